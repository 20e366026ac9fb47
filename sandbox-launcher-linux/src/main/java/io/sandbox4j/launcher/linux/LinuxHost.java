package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.Availability;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.apiguardian.api.API;

/**
 * Facts about this Linux host that isolators' probes need, established once (by the native
 * launcher's probe mode) and cached.
 *
 * <p>One per engine: {@link LinuxPlatform#shared} hands every Linux backend the same {@link
 * LinuxHostProbe}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface LinuxHost {

  /** Whether the native launcher is built, extracted and runnable here, and if not why. */
  Availability launcher();

  /** The Landlock ABI version, or empty when Landlock is unsupported or disabled. */
  OptionalInt landlockAbi();

  /** Whether seccomp filters (SECCOMP_SET_MODE_FILTER) can be installed. */
  boolean seccompFilter();

  /**
   * Whether the launcher can create a user namespace together with pid, mount, network, ipc and uts
   * namespaces, and if not why (naming Ubuntu's AppArmor restriction or a container's seccomp
   * profile when that is the cause).
   */
  default Availability userNamespaces() {
    return Availability.unavailable("this LinuxHost does not probe user namespaces");
  }

  /** Whether the caller (and so the launcher) runs as root (effective uid 0). */
  default boolean root() {
    return false;
  }

  /**
   * A pids cgroup directory this process may create child cgroups in (the caller's own cgroup in
   * the cgroup v1 pids hierarchy, or a delegated cgroup v2 one with the pids controller), if any.
   */
  default Optional<Path> pidsCgroup() {
    return Optional.empty();
  }

  /**
   * A memory cgroup this process may create child cgroups in (the caller's own cgroup in the cgroup
   * v1 memory hierarchy, or a delegated cgroup v2 one with the memory controller), if any.
   */
  default Optional<MemoryCgroup> memoryCgroup() {
    return Optional.empty();
  }

  /**
   * Whether TIOCSTI may inject input into a terminal (dev.tty.legacy_tiocsti is 1, or unknown);
   * false only when the kernel reports it disabled.
   */
  default boolean legacyTiocsti() {
    return true;
  }
}
