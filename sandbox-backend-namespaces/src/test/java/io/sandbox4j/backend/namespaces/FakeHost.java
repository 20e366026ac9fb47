package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/** A hand-written LinuxHost with fixed facts. */
record FakeHost(
    Availability launcher,
    Availability userNamespaces,
    boolean root,
    Optional<Path> pidsCgroup,
    boolean legacyTiocsti)
    implements LinuxHost {

  static FakeHost ordinaryUser() {
    return new FakeHost(
        Availability.available("launcher"),
        Availability.available("userns"),
        false,
        Optional.empty(),
        true);
  }

  FakeHost asRoot(Optional<Path> cgroup) {
    return new FakeHost(launcher, userNamespaces, true, cgroup, legacyTiocsti);
  }

  FakeHost withUserNamespaces(Availability a) {
    return new FakeHost(launcher, a, root, pidsCgroup, legacyTiocsti);
  }

  FakeHost withLegacyTiocsti(boolean on) {
    return new FakeHost(launcher, userNamespaces, root, pidsCgroup, on);
  }

  @Override
  public OptionalInt landlockAbi() {
    return OptionalInt.empty();
  }

  @Override
  public boolean seccompFilter() {
    return false;
  }
}
