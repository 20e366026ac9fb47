package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;
import org.apiguardian.api.API;

/**
 * What Linux isolators' probes require of the host, for {@link Availability#allOf}: a met
 * requirement is available with no detail (so an isolator's detail says what it enforces, not what
 * it found), an unmet one says why and how to fix it.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LinuxRequirements {
  static final String NO_SECCOMP_FILTERS =
      "seccomp filters cannot be installed here (needs a kernel with CONFIG_SECCOMP_FILTER, and a"
          + " container runtime that does not forbid nested filters)";

  private LinuxRequirements() {}

  /** The native launcher is built, extracted and runnable here. */
  public static Availability launcher(LinuxHost host) {
    return met(host.launcher());
  }

  /** The launcher can create a user namespace with pid, mount, network, ipc and uts namespaces. */
  public static Availability userNamespaces(LinuxHost host) {
    return met(host.userNamespaces());
  }

  /**
   * Seccomp filters can be installed here, and sandbox4j's seccomp programs cover this JVM's
   * architecture ({@code os.arch}; {@link SyscallTable#forArch}).
   */
  public static Availability seccomp(LinuxHost host, String osArch) {
    if (!host.seccompFilter()) {
      return Availability.unavailable(NO_SECCOMP_FILTERS);
    }
    if (SyscallTable.forArch(osArch).isEmpty()) {
      return Availability.unavailable(
          "no system call table for architecture "
              + osArch
              + ": sandbox4j's seccomp programs cover x86-64 and aarch64");
    }
    return Availability.available("");
  }

  /**
   * Throws {@link SandboxException#cannotSandbox} (exit 125) naming the isolator and the reason
   * when it is not available: for a contribute called anyway (a library caller driving one
   * isolator), which must never return having enforced nothing.
   */
  public static void requireAvailable(String backendId, Isolator isolator) {
    Availability a = isolator.probe();
    if (!a.available()) {
      throw SandboxException.cannotSandbox(
          backendId + " " + isolator.id() + " isolator: " + a.detail());
    }
  }

  private static Availability met(Availability a) {
    return a.available() ? Availability.available("") : a;
  }
}
