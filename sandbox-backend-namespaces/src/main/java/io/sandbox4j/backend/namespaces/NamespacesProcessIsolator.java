package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import java.util.EnumSet;
import java.util.Set;

/**
 * User, pid, ipc and uts namespaces, a fresh /proc and a new session. The launcher always sets
 * no_new_privs and drops every capability (bounding, ambient, effective, permitted, inheritable).
 *
 * <p>{@link Feature#PROC_NEW_SESSION} is claimed only when the kernel has TIOCSTI disabled
 * (dev.tty.legacy_tiocsti = 0): setsid detaches the controlling terminal, but an inherited terminal
 * descriptor would still accept TIOCSTI otherwise (the seccomp backend denies it).
 *
 * <p>It contributes only for what it owns: a pid namespace for {@link Feature#PROC_TREE_KILL} or
 * {@link Feature#PROC_ISOLATION}, ipc and uts namespaces for {@link Feature#PROC_ISOLATION}, a user
 * namespace for {@link Feature#PROC_NO_PRIVILEGES} (no capabilities outside it; the launcher sets
 * no_new_privs and drops capabilities in every run), setsid for {@link Feature#PROC_NEW_SESSION} or
 * {@link Feature#PROC_ISOLATION}.
 */
final class NamespacesProcessIsolator extends AbstractIsolator {
  private final LinuxHost host;

  NamespacesProcessIsolator(LinuxHost host) {
    super("process", Aspect.PROCESS);
    this.host = host;
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
    return Availability.allOf(
        Namespaces.requirements(host),
        Availability.available(
            "pid, user, ipc and uts namespaces; no capabilities, no_new_privs"
                + (host.legacyTiocsti()
                    ? "; new session, but TIOCSTI is enabled on this kernel"
                        + " (dev.tty.legacy_tiocsti=1), so terminal injection is left to seccomp"
                    : "; new session (TIOCSTI disabled by the kernel)")));
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("namespaces", this);
    Set<Feature> mine = features();
    boolean isolation =
        owned.contains(Feature.PROC_ISOLATION) && mine.contains(Feature.PROC_ISOLATION);
    boolean treeKill =
        owned.contains(Feature.PROC_TREE_KILL) && mine.contains(Feature.PROC_TREE_KILL);
    boolean noPrivileges =
        owned.contains(Feature.PROC_NO_PRIVILEGES) && mine.contains(Feature.PROC_NO_PRIVILEGES);
    boolean newSession =
        owned.contains(Feature.PROC_NEW_SESSION) && mine.contains(Feature.PROC_NEW_SESSION);
    if (!isolation && !treeKill && !noPrivileges && !newSession) {
      return;
    }
    LinuxLaunchPlan plan = Namespaces.plan(spec);
    if (noPrivileges) {
      Namespaces.userAndMount(plan);
    }
    if (isolation || treeKill) {
      // the launcher is the pid namespace's init: the whole tree dies with it
      Namespaces.pid(plan);
    }
    if (isolation) {
      plan.addNamespaces(Namespace.IPC, Namespace.UTS);
      plan.hostname("sandbox4j");
    }
    // setsid also comes with PROC_ISOLATION: out of the caller's session and process group, the
    // command gets none of its terminal's job-control signals, even where TIOCSTI keeps this
    // isolator from declaring PROC_NEW_SESSION
    if (newSession || isolation) {
      plan.newSession();
    }
  }
}
