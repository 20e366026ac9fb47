package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import java.util.OptionalInt;

/** The availability checks every Landlock isolator shares. */
final class LandlockProbe {
  static final String NO_LANDLOCK =
      "requires Linux 5.13+ with Landlock enabled (add landlock to the lsm= boot parameter /"
          + " CONFIG_LSM)";

  private LandlockProbe() {}

  /** The launcher and Landlock (any ABI) work here, with no detail; otherwise why not. */
  static Availability landlock(LinuxHost host) {
    OptionalInt abi = host.landlockAbi();
    return Availability.allOf(
        LinuxRequirements.launcher(host),
        abi.isEmpty() || abi.getAsInt() < 1
            ? Availability.unavailable(NO_LANDLOCK)
            : Availability.available(""));
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
