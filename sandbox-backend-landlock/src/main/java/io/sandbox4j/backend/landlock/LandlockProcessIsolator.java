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
 */
final class LandlockProcessIsolator extends AbstractIsolator {
  static final int MIN_ABI = 6;

  private final LinuxHost host;

  LandlockProcessIsolator(LinuxHost host) {
    super("process", Aspect.PROCESS, Set.of(Feature.PROC_ISOLATION));
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
                    + " cannot stop signals to processes outside the sandbox: needs ABI 6 (Linux"
                    + " 6.12+)")
            : Availability.available(
                "Landlock ABI "
                    + abi
                    + ": ptrace, /proc/PID/{mem,environ,fd,maps} and signals of outside processes"
                    + " denied; their world-readable /proc/PID/{cmdline,stat,status} stay readable"
                    + " as for any local user"));
  }

  /**
   * Scopes signals and, when the policy allows no network, abstract unix sockets (the host's X11
   * and D-Bus sockets may be wanted otherwise); a domain of its own already denies ptrace.
   */
  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("landlock", this);
    if (owned.contains(Feature.PROC_ISOLATION)) {
      spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new)
          .addLandlock(
              LandlockPlanner.scopes(
                  LandlockProbe.abiOrLatest(host), policy.network().mode() == NetworkMode.NONE));
    }
  }
}
