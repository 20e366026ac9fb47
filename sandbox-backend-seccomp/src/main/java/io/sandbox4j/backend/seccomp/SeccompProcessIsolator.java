package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;

/**
 * Installs the hardening program ({@link SeccompPrograms#hardening}).
 *
 * <p>Declares only {@link Feature#PROC_NEW_SESSION}: the native launcher calls setsid before exec
 * when the plan asks, and this program denies TIOCSTI and TIOCLINUX, so no input reaches the
 * caller's terminal even through an inherited terminal descriptor. It does not declare {@link
 * Feature#PROC_ISOLATION} (ptrace and process_vm_* are denied, but kill(2) to outside processes is
 * not) nor {@link Feature#PROC_NO_PRIVILEGES} (no_new_privs and dropping capabilities are the
 * launcher's, not the filter's).
 */
final class SeccompProcessIsolator extends SeccompIsolator {

  SeccompProcessIsolator(LinuxHost host, String osArch) {
    super("process", Aspect.PROCESS, Feature.PROC_NEW_SESSION, host, osArch);
  }

  @Override
  String enforces() {
    return "new session (setsid) without TIOCSTI/TIOCLINUX; ptrace, process_vm_*, io_uring, bpf,"
        + " perf_event_open, keyrings, userfaultfd, mount, namespaces and kernel modules denied ("
        + osArch
        + ")";
  }

  /**
   * PROC_NEW_SESSION is setsid (no controlling terminal) plus the TIOCSTI/TIOCLINUX denial of the
   * hardening program (an inherited terminal descriptor could otherwise still inject input). The
   * program's other denials come with it: they are what it is.
   */
  @Override
  void install(LinuxLaunchPlan plan, SyscallTable table) {
    plan.addSeccompFilter(Bpf.encode(SeccompPrograms.hardening(table)));
    plan.newSession();
  }
}
