package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;
import java.util.Arrays;
import java.util.Optional;

/** What the seccomp isolators share: the host's facts, its syscall table, adding filters once. */
final class SeccompHost {
  private final LinuxHost host;
  private final String osArch;
  private final Optional<SyscallTable> table;

  SeccompHost(LinuxHost host, String osArch) {
    this.host = host;
    this.osArch = osArch;
    this.table = SyscallTable.forArch(osArch);
  }

  Availability probe() {
    Availability launcher = host.launcher();
    if (!launcher.available()) {
      return launcher;
    }
    if (!host.seccompFilter()) {
      return Availability.unavailable(
          "seccomp filters cannot be installed here (needs a kernel with CONFIG_SECCOMP_FILTER,"
              + " and a container runtime that does not forbid nested filters)");
    }
    if (table.isEmpty()) {
      return Availability.unavailable(
          "no system call table for architecture "
              + osArch
              + ": the seccomp backend supports x86-64 and aarch64");
    }
    return null;
  }

  SyscallTable table() {
    return table.orElseThrow();
  }

  /** Adds a program unless an identical one is already in the launch (another isolator's). */
  static void addOnce(LaunchSpec spec, byte[] program) {
    LinuxLaunchPlan plan = spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
    for (byte[] existing : plan.seccompFilters()) {
      if (Arrays.equals(existing, program)) {
        return;
      }
    }
    plan.addSeccompFilter(program);
  }
}
