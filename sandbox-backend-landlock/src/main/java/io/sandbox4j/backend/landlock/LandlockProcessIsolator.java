package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.Set;

/**
 * No reaching processes outside the sandbox: every Landlock domain forbids ptrace of processes
 * outside it (which also guards /proc/PID/mem, environ, fd, maps: ptrace_may_access), and ABI 6
 * adds LANDLOCK_SCOPE_SIGNAL, so kill(2) to an outside process fails with EPERM.
 */
final class LandlockProcessIsolator implements Isolator {
  static final int MIN_ABI = 6;

  private final LinuxHost host;
  private final LandlockContribution contribution;

  LandlockProcessIsolator(LinuxHost host, LandlockContribution contribution) {
    this.host = host;
    this.contribution = contribution;
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
    return Set.of(Feature.PROC_ISOLATION);
  }

  @Override
  public Availability probe() {
    Availability missing = LandlockProbe.basic(host);
    if (missing != null) {
      return missing;
    }
    int abi = LandlockProbe.abiOrLatest(host);
    if (abi < MIN_ABI) {
      return Availability.unavailable(
          "Landlock ABI "
              + abi
              + " cannot stop signals to processes outside the sandbox: needs ABI 6 (Linux 6.12+)");
    }
    return Availability.available(
        "Landlock ABI "
            + abi
            + ": ptrace, /proc/PID/{mem,environ,fd,maps} and signals of outside processes denied;"
            + " their world-readable /proc/PID/{cmdline,stat,status} stay readable as for any"
            + " local user");
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    Availability a = probe();
    if (!a.available()) {
      throw SandboxException.cannotSandbox("landlock process isolator: " + a.detail());
    }
    contribution.contribute(id(), LandlockProbe.abiOrLatest(host), policy, spec);
  }
}
