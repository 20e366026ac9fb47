package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes restricted with Landlock filesystem rules, for exactly the features it owns in a
 * run ({@link LandlockPlanner.Request}); with write confinement also the read-only host view.
 *
 * <p>Never declares {@link Feature#FS_PROTECTED_PATHS}: Landlock rules only add rights, so nothing
 * beneath a writable root can be made read-only (granting the root's children one by one instead
 * would forbid creating new top-level files). Never declares {@link Feature#FS_PRIVATE_TMP}, but
 * write confinement depends on whichever isolator owns it: a per-run TMPDIR that isolator put in
 * the spec's environment before this one contributes is made writable, and a private tmpfs it adds
 * to the plan is made writable by the plan ({@link LinuxLaunchPlan#landlock()}), in any order.
 */
final class LandlockFilesystemIsolator extends AbstractIsolator {
  private final LinuxHost host;
  private final LandlockPlanner planner;

  LandlockFilesystemIsolator(LinuxHost host, LandlockPlanner planner) {
    super("filesystem", Aspect.FILESYSTEM);
    this.host = host;
    this.planner = planner;
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
    EnumSet<Feature> f =
        EnumSet.of(Feature.FS_READ_DENY, Feature.FS_READ_ALLOWLIST, Feature.FS_PRIVATE_HOME);
    if (abi >= 3 && userNamespaces) {
      f.add(Feature.FS_WRITE_CONFINEMENT);
    }
    return f;
  }

  static Set<Feature> featuresFor(int abi) {
    return featuresFor(abi, true);
  }

  /** Write confinement on a host whose ABI has it but which cannot create a user namespace. */
  @Override
  public Optional<String> whyNotDeclared(Feature feature) {
    Availability userns = host.userNamespaces();
    if (feature != Feature.FS_WRITE_CONFINEMENT
        || userns.available()
        || LandlockProbe.abiOrLatest(host) < 3) {
      return Optional.empty();
    }
    return Optional.of(userns.detail());
  }

  @Override
  public Availability probe() {
    Availability userns = host.userNamespaces();
    String view =
        userns.available()
            ? "; everything outside the writable roots is mounted read-only in the sandbox's mount"
                + " namespace, so chmod/chown/utime/setxattr cannot change it either"
            : "; writes are not confined (no user namespace for the read-only host view, which"
                + " Landlock needs because it never mediates chmod/chown/utime/setxattr: "
                + userns.detail()
                + ")";
    return Availability.allOf(
        LandlockProbe.landlock(host),
        Availability.available(detail(LandlockProbe.abiOrLatest(host)) + view));
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
            + " the parents of denied paths are unreadable; a private home cannot be listed (what"
            + " is granted in it can be read)");
    return s.toString();
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("landlock", this);
    LandlockPlanner.Request request =
        new LandlockPlanner.Request(
            LandlockProbe.abiOrLatest(host), policy.filesystem(), privateTmp(policy, spec), owned);
    LinuxLaunchPlan plan = spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
    plan.addLandlock(planner.plan(request));
    if (request.confineWrites()) {
      // Landlock never mediates chmod, chown, utime or setxattr: the view closes that for the
      // paths outside the ones the ruleset makes writable.
      plan.readOnlyHostView(planner.writableRoots(request));
    }
  }

  /**
   * The per-run TMPDIR another isolator pointed the spec at, if the policy asks for a private one.
   * A TMPDIR merely passed through from the caller is the caller's shared one and never counts; the
   * planner also requires the name to start with {@link LandlockPlanner#PRIVATE_TMP_PREFIX}.
   */
  static Optional<Path> privateTmp(SandboxPolicy policy, LaunchSpec spec) {
    String tmpdir = spec.environment().get("TMPDIR");
    if (policy.filesystem().privateTmp()
        && tmpdir != null
        && !tmpdir.equals(System.getenv("TMPDIR"))
        && tmpdir.startsWith("/")) {
      return Optional.of(Path.of(tmpdir).normalize());
    }
    return Optional.empty();
  }
}
