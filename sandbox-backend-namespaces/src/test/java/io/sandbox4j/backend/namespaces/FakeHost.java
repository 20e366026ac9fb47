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
    boolean legacyTiocsti,
    boolean seccompFilter)
    implements LinuxHost {

  static FakeHost ordinaryUser() {
    return new FakeHost(
        Availability.available("launcher"),
        Availability.available("userns"),
        false,
        Optional.empty(),
        true,
        true);
  }

  FakeHost asRoot(Optional<Path> cgroup) {
    return new FakeHost(launcher, userNamespaces, true, cgroup, legacyTiocsti, seccompFilter);
  }

  FakeHost withUserNamespaces(Availability a) {
    return new FakeHost(launcher, a, root, pidsCgroup, legacyTiocsti, seccompFilter);
  }

  FakeHost withLegacyTiocsti(boolean on) {
    return new FakeHost(launcher, userNamespaces, root, pidsCgroup, on, seccompFilter);
  }

  FakeHost withSeccompFilter(boolean on) {
    return new FakeHost(launcher, userNamespaces, root, pidsCgroup, legacyTiocsti, on);
  }

  @Override
  public OptionalInt landlockAbi() {
    return OptionalInt.empty();
  }
}
