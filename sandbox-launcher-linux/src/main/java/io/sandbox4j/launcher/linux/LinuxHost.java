package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.spi.Availability;
import java.util.OptionalInt;

/**
 * Facts about this Linux host that isolators' probes need, established once (by the native
 * launcher's probe mode) and cached.
 */
public interface LinuxHost {

  /** Whether the native launcher is built, extracted and runnable here, and if not why. */
  Availability launcher();

  /** The Landlock ABI version, or empty when Landlock is unsupported or disabled. */
  OptionalInt landlockAbi();

  /** Whether seccomp filters (SECCOMP_SET_MODE_FILTER) can be installed. */
  boolean seccompFilter();
}
