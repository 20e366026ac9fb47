package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import java.util.Set;

/**
 * Installs the hardening program ({@link SeccompPrograms#hardening}).
 *
 * <p>Declares only {@link Feature#PROC_NEW_SESSION}: the native launcher always calls setsid before
 * exec, and this program denies TIOCSTI and TIOCLINUX, so no input reaches the caller's terminal
 * even through an inherited terminal descriptor. It does not declare {@link Feature#PROC_ISOLATION}
 * (ptrace and process_vm_* are denied, but kill(2) to outside processes is not) nor {@link
 * Feature#PROC_NO_PRIVILEGES} (no_new_privs and dropping capabilities are the launcher's, not the
 * filter's).
 */
final class SeccompProcessIsolator implements Isolator {
  private final SeccompHost host;

  SeccompProcessIsolator(SeccompHost host) {
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
    return Set.of(Feature.PROC_NEW_SESSION);
  }

  @Override
  public Availability probe() {
    Availability missing = host.probe();
    if (missing != null) {
      return missing;
    }
    return Availability.available(
        "new session (setsid) without TIOCSTI/TIOCLINUX; ptrace, process_vm_*, io_uring, bpf,"
            + " perf_event_open, keyrings, userfaultfd, mount, namespaces and kernel modules denied"
            + " ("
            + host.table().name()
            + ")");
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    Availability a = probe();
    if (!a.available()) {
      throw SandboxException.cannotSandbox("seccomp process isolator: " + a.detail());
    }
    SeccompHost.addOnce(spec, Bpf.encode(SeccompPrograms.hardening(host.table())));
    // PROC_NEW_SESSION is setsid (no controlling terminal) plus the TIOCSTI/TIOCLINUX denial above
    // (an inherited terminal descriptor could otherwise still inject input).
    spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new).newSession();
  }
}
