package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.OptionalInt;

/** A hand-written {@link LinuxHost} with fixed facts. */
record FakeLinuxHost(
    Availability launcher,
    OptionalInt landlockAbi,
    boolean seccompFilter,
    Availability userNamespaces)
    implements LinuxHost {

  FakeLinuxHost(Availability launcher, OptionalInt landlockAbi, boolean seccompFilter) {
    this(launcher, landlockAbi, seccompFilter, Availability.available("user namespaces"));
  }

  static FakeLinuxHost withAbi(int abi) {
    return new FakeLinuxHost(Availability.available(""), OptionalInt.of(abi), true);
  }

  static FakeLinuxHost withoutUserNamespaces(int abi) {
    return new FakeLinuxHost(
        Availability.available(""),
        OptionalInt.of(abi),
        true,
        Availability.unavailable("kernel.apparmor_restrict_unprivileged_userns is 1"));
  }

  static FakeLinuxHost withoutLandlock() {
    return new FakeLinuxHost(Availability.available(""), OptionalInt.empty(), true);
  }

  static FakeLinuxHost withoutLauncher(String reason) {
    return new FakeLinuxHost(Availability.unavailable(reason), OptionalInt.of(7), true);
  }
}
