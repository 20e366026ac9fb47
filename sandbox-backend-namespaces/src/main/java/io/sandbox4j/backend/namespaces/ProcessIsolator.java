package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.util.EnumSet;
import java.util.Set;

/**
 * User, pid, ipc and uts namespaces, a fresh /proc and a new session. The launcher always sets
 * no_new_privs and drops every capability (bounding, ambient, effective, permitted, inheritable).
 *
 * <p>{@link Feature#PROC_NEW_SESSION} is claimed only when the kernel has TIOCSTI disabled
 * (dev.tty.legacy_tiocsti = 0): setsid detaches the controlling terminal, but an inherited terminal
 * descriptor would still accept TIOCSTI otherwise (the seccomp backend denies it).
 */
final class ProcessIsolator implements Isolator {
  private final LinuxHost host;

  ProcessIsolator(LinuxHost host) {
    this.host = host;
  }

  @Override
  public String id() {
    return "process";
  }

  @Override
  public Aspect aspect() {
    return Aspect.PROCESS;
  }

  @Override
  public Set<Feature> features() {
    EnumSet<Feature> f =
        EnumSet.of(Feature.PROC_TREE_KILL, Feature.PROC_ISOLATION, Feature.PROC_NO_PRIVILEGES);
    if (!host.legacyTiocsti()) {
      f.add(Feature.PROC_NEW_SESSION);
    }
    return f;
  }

  @Override
  public Availability probe() {
    Availability a = Namespaces.probe(host);
    if (!a.available()) {
      return a;
    }
    return Availability.available(
        "pid, user, ipc and uts namespaces; no capabilities, no_new_privs"
            + (host.legacyTiocsti()
                ? "; new session, but TIOCSTI is enabled on this kernel"
                    + " (dev.tty.legacy_tiocsti=1), so terminal injection is left to seccomp"
                : "; new session (TIOCSTI disabled by the kernel)"));
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxLaunchPlan plan = Namespaces.plan(spec);
    Namespaces.pid(plan);
    plan.addNamespaces(Namespace.IPC, Namespace.UTS);
    plan.hostname("sandbox4j");
    plan.newSession();
  }
}
