package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.OptionalInt;

/** The availability checks every Landlock isolator shares. */
final class LandlockProbe {
  static final String NO_LANDLOCK =
      "requires Linux 5.13+ with Landlock enabled (add landlock to the lsm= boot parameter /"
          + " CONFIG_LSM)";

  private LandlockProbe() {}

  /** Unavailable when the launcher or Landlock is missing; otherwise empty. */
  static Availability basic(LinuxHost host) {
    Availability launcher = host.launcher();
    if (!launcher.available()) {
      return launcher;
    }
    OptionalInt abi = host.landlockAbi();
    if (abi.isEmpty() || abi.getAsInt() < 1) {
      return Availability.unavailable(NO_LANDLOCK);
    }
    return null;
  }

  /**
   * The host's ABI, capped at the newest this code knows, or the newest when Landlock is absent.
   */
  static int abiOrLatest(LinuxHost host) {
    OptionalInt abi = host.landlockAbi();
    if (abi.isEmpty() || abi.getAsInt() < 1) {
      return LandlockAccess.LATEST_KNOWN_ABI;
    }
    return Math.min(abi.getAsInt(), LandlockAccess.LATEST_KNOWN_ABI);
  }
}
