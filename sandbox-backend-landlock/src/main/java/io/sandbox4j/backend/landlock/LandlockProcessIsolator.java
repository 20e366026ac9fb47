package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import java.util.Set;

/**
 * No reaching processes outside the sandbox: every Landlock domain forbids ptrace of processes
 * outside it (which also guards /proc/PID/mem, environ, fd, maps: ptrace_may_access), and ABI 6
 * adds LANDLOCK_SCOPE_SIGNAL, so kill(2) to an outside process fails with EPERM. Its part of the
 * run's ruleset is the scopes alone; the filesystem isolator, when selected, adds the rules.
 *
 * <p>Also the whole-tree kill and no privileges without a pid or user namespace (containers whose
 * seccomp profile forbids them). The launcher is a child subreaper whenever it runs the command
 * outside a pid namespace, so setsid'd and double-forked descendants stay its descendants, and
 * {@code NativeSandboxProcess.killTree} kills them before the launcher. What a pid namespace adds
 * is that the command cannot see or kill the launcher (after which orphans would reparent to the
 * host's init and outlive the run); here the signal scope and the domain's ptrace rule deny exactly
 * that, so tree kill needs the same ABI 6 as isolation. No privileges: the launcher always sets
 * no_new_privs, clears the ambient set, empties the bounding set (with CAP_SETPCAP) and capset()s
 * everything to zero before exec, so neither setuid binaries, file capabilities nor root regain a
 * capability: execve under no_new_privs keeps the permitted set within the old (empty) one. As
 * inside a user namespace that maps root to itself, uid 0 still owns root's files; write
 * confinement is what keeps those unchanged.
 */
final class LandlockProcessIsolator extends AbstractIsolator {
  static final int MIN_ABI = 6;

  private final LinuxHost host;

  LandlockProcessIsolator(LinuxHost host) {
    super(
        "process",
        Aspect.PROCESS,
        Set.of(Feature.PROC_ISOLATION, Feature.PROC_TREE_KILL, Feature.PROC_NO_PRIVILEGES));
    this.host = host;
  }

  @Override
  public Availability probe() {
    int abi = LandlockProbe.abiOrLatest(host);
    return Availability.allOf(
        LandlockProbe.landlock(host),
        abi < MIN_ABI
            ? Availability.unavailable(
                "Landlock ABI "
                    + abi
                    + " cannot stop signals to processes outside the sandbox (nor the command"
                    + " killing the launcher that reaps its orphans): needs ABI 6 (Linux 6.12+)")
            : Availability.available(
                "Landlock ABI "
                    + abi
                    + ": ptrace, /proc/PID/{mem,environ,fd,maps} and signals of outside processes"
                    + " denied; their world-readable /proc/PID/{cmdline,stat,status} stay readable"
                    + " as for any local user; the launcher reaps and kills orphans as a child"
                    + " subreaper; no capabilities, no_new_privs"));
  }

  /**
   * Scopes signals and, when the policy allows no network, abstract unix sockets (the host's X11
   * and D-Bus sockets may be wanted otherwise); a domain of its own already denies ptrace. The
   * subreaper and the dropped privileges come with every launch, so owning any feature is enough.
   */
  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("landlock", this);
    if (!owned.isEmpty()) {
      spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new)
          .addLandlock(
              LandlockPlanner.scopes(
                  LandlockProbe.abiOrLatest(host), policy.network().mode() == NetworkMode.NONE));
    }
  }
}
