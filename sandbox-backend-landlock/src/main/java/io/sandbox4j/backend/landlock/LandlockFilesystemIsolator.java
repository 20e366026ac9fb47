package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads and writes restricted with Landlock filesystem rules.
 *
 * <p>Never declares {@link Feature#FS_PROTECTED_PATHS}: Landlock rules only add rights, so nothing
 * beneath a writable root can be made read-only (granting the root's children one by one instead
 * would forbid creating new top-level files). Never declares {@link Feature#FS_PRIVATE_TMP}: it
 * only grants write to a per-run TMPDIR another isolator created.
 */
final class LandlockFilesystemIsolator implements Isolator {
  private final LinuxHost host;
  private final LandlockContribution contribution;

  LandlockFilesystemIsolator(LinuxHost host, LandlockContribution contribution) {
    this.host = host;
    this.contribution = contribution;
  }

  @Override
  public String id() {
    return "filesystem";
  }

  @Override
  public Aspect aspect() {
    return Aspect.FILESYSTEM;
  }

  @Override
  public Set<Feature> features() {
    return featuresFor(LandlockProbe.abiOrLatest(host), host.userNamespaces().available());
  }

  /**
   * Write confinement needs ABI 3 (before it truncate(2), ftruncate(2) and open(O_TRUNC) are not
   * mediated, so a file outside the writable roots could be emptied) and a user namespace for the
   * read-only host view (Landlock never mediates chmod, chown, utime or setxattr).
   */
  static Set<Feature> featuresFor(int abi, boolean userNamespaces) {
    EnumSet<Feature> f = EnumSet.of(Feature.FS_READ_DENY, Feature.FS_READ_ALLOWLIST);
    if (abi >= 3 && userNamespaces) {
      f.add(Feature.FS_WRITE_CONFINEMENT);
    }
    return f;
  }

  static Set<Feature> featuresFor(int abi) {
    return featuresFor(abi, true);
  }

  @Override
  public Availability probe() {
    Availability missing = LandlockProbe.basic(host);
    if (missing != null) {
      return missing;
    }
    Availability userns = host.userNamespaces();
    String view =
        userns.available()
            ? "; everything outside the writable roots is mounted read-only in the sandbox's mount"
                + " namespace, so chmod/chown/utime/setxattr cannot change it either"
            : "; writes are not confined (no user namespace for the read-only host view, which"
                + " Landlock needs because it never mediates chmod/chown/utime/setxattr: "
                + userns.detail()
                + ")";
    return Availability.available(detail(LandlockProbe.abiOrLatest(host)) + view);
  }

  /** What this kernel's ABI leaves unenforced, precisely. */
  static String detail(int abi) {
    StringBuilder s = new StringBuilder("Landlock ABI " + abi + ": ");
    if (abi < 3) {
      s.append(
          "writes are not confined (truncate(2) and O_TRUNC are mediated only from ABI 3, Linux"
              + " 6.2), reads are; ");
    }
    if (abi < 2) {
      s.append(
          "link(2) and rename(2) across directories fail everywhere, writable roots included"
              + " (REFER needs ABI 2); ");
    }
    if (abi < 5) {
      s.append("ioctl(2) on device files is not mediated (needs ABI 5, Linux 6.10); ");
    }
    s.append(
        "never mediated by Landlock: chmod/chown/utime/setxattr (see below), read-only"
            + " paths inside writable roots, reads through another mount of a denied path's"
            + " parent, pre-existing hard links to denied files; entries created after launch in"
            + " the parents of denied paths are unreadable");
    return s.toString();
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    Availability a = probe();
    if (!a.available()) {
      throw SandboxException.cannotSandbox("landlock filesystem isolator: " + a.detail());
    }
    contribution.contribute(id(), LandlockProbe.abiOrLatest(host), policy, spec);
    if (features().contains(Feature.FS_WRITE_CONFINEMENT)) {
      contribution.contributeReadOnlyView(policy, spec);
    }
  }
}
