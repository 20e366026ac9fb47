package io.sandbox4j.launcher.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Linux isolators ask the native launcher to apply for one run, as a {@link
 * io.sandbox4j.api.spi.LaunchSpec} extension. Isolators only add to it; the launcher applies every
 * part in a fixed order and fails the run (exit 125, step named) if any part cannot be applied.
 */
public final class LinuxLaunchPlan {
  private LandlockRules landlock;
  private final List<byte[]> seccompFilters = new ArrayList<>();

  /** Sets the Landlock ruleset; only one isolator may set it. */
  public void landlock(LandlockRules rules) {
    if (landlock != null) {
      throw new IllegalStateException("Landlock rules already set for this launch");
    }
    this.landlock = rules;
  }

  public Optional<LandlockRules> landlock() {
    return Optional.ofNullable(landlock);
  }

  /**
   * Adds a seccomp-bpf program: an array of 8-byte little-endian struct sock_filter. Filters are
   * installed in the order added, after no_new_privs, as the last step before exec.
   */
  public void addSeccompFilter(byte[] program) {
    if (program.length == 0 || program.length % 8 != 0) {
      throw new IllegalArgumentException(
          "seccomp program length " + program.length + " is not a positive multiple of 8");
    }
    seccompFilters.add(program.clone());
  }

  public List<byte[]> seccompFilters() {
    List<byte[]> copy = new ArrayList<>();
    for (byte[] f : seccompFilters) {
      copy.add(f.clone());
    }
    return copy;
  }
}
