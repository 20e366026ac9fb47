package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.spi.Availability;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A hand-written {@link LinuxHost} with fixed facts, for the Linux backends' probe and plan tests.
 * Shared with them through this module's test jar; start from {@link #ordinaryUser()} and change
 * one fact at a time.
 */
public record FakeLinuxHost(
    Availability launcher,
    OptionalInt landlockAbi,
    boolean seccompFilter,
    Availability userNamespaces,
    boolean root,
    Optional<Path> pidsCgroup,
    Optional<MemoryCgroup> memoryCgroup,
    boolean legacyTiocsti)
    implements LinuxHost {

  /**
   * An ordinary (non-root) user on a host where everything works: the launcher, Landlock ABI 7,
   * seccomp filters, user namespaces; no pids or memory cgroup; TIOCSTI enabled, as on this
   * project's machines.
   */
  public static FakeLinuxHost ordinaryUser() {
    return new FakeLinuxHost(
        Availability.available("native launcher (fake)"),
        OptionalInt.of(7),
        true,
        Availability.available("user namespaces (fake)"),
        false,
        Optional.empty(),
        Optional.empty(),
        true);
  }

  public FakeLinuxHost withLauncher(Availability a) {
    return new FakeLinuxHost(
        a,
        landlockAbi,
        seccompFilter,
        userNamespaces,
        root,
        pidsCgroup,
        memoryCgroup,
        legacyTiocsti);
  }

  /** The launcher unavailable for {@code reason}. */
  public FakeLinuxHost withoutLauncher(String reason) {
    return withLauncher(Availability.unavailable(reason));
  }

  public FakeLinuxHost withLandlockAbi(int abi) {
    return new FakeLinuxHost(
        launcher,
        OptionalInt.of(abi),
        seccompFilter,
        userNamespaces,
        root,
        pidsCgroup,
        memoryCgroup,
        legacyTiocsti);
  }

  public FakeLinuxHost withoutLandlock() {
    return new FakeLinuxHost(
        launcher,
        OptionalInt.empty(),
        seccompFilter,
        userNamespaces,
        root,
        pidsCgroup,
        memoryCgroup,
        legacyTiocsti);
  }

  public FakeLinuxHost withSeccompFilter(boolean on) {
    return new FakeLinuxHost(
        launcher, landlockAbi, on, userNamespaces, root, pidsCgroup, memoryCgroup, legacyTiocsti);
  }

  public FakeLinuxHost withUserNamespaces(Availability a) {
    return new FakeLinuxHost(
        launcher, landlockAbi, seccompFilter, a, root, pidsCgroup, memoryCgroup, legacyTiocsti);
  }

  /** A root caller, with the pids cgroup it may create child cgroups in, if any. */
  public FakeLinuxHost asRoot(Optional<Path> cgroup) {
    return new FakeLinuxHost(
        launcher,
        landlockAbi,
        seccompFilter,
        userNamespaces,
        true,
        cgroup,
        memoryCgroup,
        legacyTiocsti);
  }

  /** A memory cgroup the caller may create child cgroups in. */
  public FakeLinuxHost withMemoryCgroup(MemoryCgroup cgroup) {
    return new FakeLinuxHost(
        launcher,
        landlockAbi,
        seccompFilter,
        userNamespaces,
        root,
        pidsCgroup,
        Optional.of(cgroup),
        legacyTiocsti);
  }

  public FakeLinuxHost withLegacyTiocsti(boolean on) {
    return new FakeLinuxHost(
        launcher, landlockAbi, seccompFilter, userNamespaces, root, pidsCgroup, memoryCgroup, on);
  }
}
