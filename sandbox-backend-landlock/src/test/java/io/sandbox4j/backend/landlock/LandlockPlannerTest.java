package io.sandbox4j.backend.landlock;

import static io.sandbox4j.backend.landlock.LandlockAccess.FS_EXECUTE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_IOCTL_DEV;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_READ_DIR;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_READ_FILE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_REFER;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_TRUNCATE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_WRITE_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.LandlockRules;
import io.sandbox4j.launcher.linux.LandlockRules.PathRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "plans Landlock rules for Linux absolute paths (/usr, /proc), which have no drive on Windows")
class LandlockPlannerTest {
  static final long RX = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR;
  static final long RX_FILE = FS_EXECUTE | FS_READ_FILE;
  static final long DEV_W = FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV;
  static final long DEV_R = FS_READ_FILE | FS_IOCTL_DEV;
  static final long ALL_ABI5 = 0xFFFF;

  /** The filesystem isolator as the only one selected: it owns every feature it declares. */
  static final Set<Feature> ALL_OWNED =
      EnumSet.of(Feature.FS_READ_DENY, Feature.FS_READ_ALLOWLIST, Feature.FS_WRITE_CONFINEMENT);

  static FakeTree host() {
    return new FakeTree()
        .file("/usr/bin/sh", "/etc/passwd", "/dev/null", "/dev/zero", "/dev/pts/0")
        .link("/bin", "/usr/bin")
        .dir("/dev/shm", "/proc/1", "/home/v", "/tmp", "/home/u/proj")
        .file("/home/u/.ssh/id_ed25519", "/home/u/.bashrc");
  }

  static FilesystemPolicy fs(
      String workspace, List<String> deny, List<String> allow, String... extraRoots) {
    return new FilesystemPolicy(
        Path.of(workspace),
        paths(List.of(extraRoots)),
        paths(allow),
        paths(deny),
        List.of(),
        FilesystemPolicy.DEFAULT_PROTECTED_NAMES,
        true,
        List.of(),
        List.of(),
        List.of());
  }

  static List<Path> paths(List<String> names) {
    List<Path> out = new ArrayList<>();
    names.forEach(n -> out.add(Path.of(n)));
    return out;
  }

  static LandlockRules plan(FakeTree tree, int abi, FilesystemPolicy fs) {
    return plan(tree, abi, fs, Optional.empty());
  }

  static LandlockRules plan(FakeTree tree, int abi, FilesystemPolicy fs, Optional<Path> tmp) {
    return new LandlockPlanner(tree).plan(new LandlockPlanner.Request(abi, fs, tmp, ALL_OWNED));
  }

  static Map<String, Long> access(LandlockRules rules) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (PathRule r : rules.pathRules()) {
      m.put(r.path().toString(), r.allowedAccess());
    }
    return m;
  }

  @Test
  void denyingANestedPathGrantsTheSiblingsOfEveryAncestorAndNothingOnTheWay() {
    LandlockRules rules = plan(host(), 5, fs("/home/u/proj", List.of("/home/u/.ssh"), List.of()));

    assertThat(rules.handledAccessFs()).isEqualTo(ALL_ABI5);
    assertThat(access(rules))
        .containsExactly(
            entry("/dev/full", DEV_W),
            entry("/dev/null", DEV_W),
            entry("/dev/random", DEV_R),
            entry("/dev/tty", DEV_W),
            entry("/dev/urandom", DEV_R),
            entry("/dev/zero", DEV_W),
            entry("/etc", RX),
            entry("/home/u/.bashrc", RX_FILE),
            entry("/home/u/proj", ALL_ABI5),
            entry("/home/v", RX),
            entry("/proc", RX),
            entry("/tmp", RX),
            entry("/usr", RX));
    assertThat(rules.pathRules())
        .allSatisfy(
            r -> assertThat(r.optional()).isEqualTo(!r.path().equals(Path.of("/home/u/proj"))));
  }

  @Test
  void withoutDeniedPathsOnlyTheTerminalsSplitTheRoot() {
    LandlockRules rules =
        plan(new FakeTree().dir("/usr", "/dev/pts", "/w"), 5, fs("/w", List.of(), List.of()));
    assertThat(access(rules))
        .containsKey("/usr")
        .doesNotContainKey("/")
        .doesNotContainKey("/dev/pts");
  }

  @Test
  void aMissingWritableRootIsRefusedWithItsName() {
    FakeTree tree = new FakeTree().dir("/w");
    assertThatThrownBy(() -> plan(tree, 5, fs("/w", List.of(), List.of(), "/missing")))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("/missing");
  }

  @Test
  void extraWritableRootsGetEveryHandledRightIncludingRefer() {
    FakeTree tree = host().dir("/data/cache");
    LandlockRules rules = plan(tree, 3, fs("/home/u/proj", List.of(), List.of(), "/data/cache"));
    long all3 = 0x7FFF;
    assertThat(rules.handledAccessFs()).isEqualTo(all3);
    assertThat(access(rules))
        .containsEntry("/home/u/proj", all3)
        .containsEntry("/data/cache", all3)
        .containsEntry("/dev/null", DEV_W & all3);
    // REFER nowhere else: nothing can be linked or renamed in from outside.
    assertThat(rules.pathRules())
        .filteredOn(r -> (r.allowedAccess() & FS_REFER) != 0)
        .extracting(r -> r.path().toString())
        .containsExactlyInAnyOrder("/home/u/proj", "/data/cache");
  }

  @Test
  void aWritableRootAtOrBeneathAWriteDeniedPathGetsNoWriteRight() {
    FakeTree tree = host().dir("/data/ro/cache", "/data/rw");
    FilesystemPolicy policy =
        new FilesystemPolicy(
            Path.of("/home/u/proj"),
            paths(List.of("/data/ro/cache", "/data/rw")),
            List.of(),
            List.of(),
            paths(List.of("/home/u/proj", "/data/ro")),
            FilesystemPolicy.DEFAULT_PROTECTED_NAMES,
            true,
            List.of(),
            List.of(),
            List.of());
    LandlockPlanner.Request request =
        new LandlockPlanner.Request(5, policy, Optional.empty(), ALL_OWNED);
    assertThat(new LandlockPlanner(tree).writableRoots(request))
        .containsExactly(Path.of("/data/rw"));
    assertThat(new LandlockPlanner(tree).plan(request).pathRules())
        .filteredOn(r -> (r.allowedAccess() & FS_WRITE_FILE) != 0)
        .extracting(r -> r.path().toString())
        .doesNotContain("/home/u/proj", "/data/ro/cache")
        .contains("/data/rw");
  }

  @Test
  void aDeniedPathInsideAWritableRootIsRefused() {
    assertThatThrownBy(() -> plan(host(), 5, fs("/home/u", List.of("/home/u/.ssh"), List.of())))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("/home/u/.ssh")
        .hasMessageContaining("writable root /home/u");
  }

  @Test
  void aWritableRootInsideADeniedPathIsRefused() {
    FakeTree tree = host().dir("/home/u/.ssh/work");
    assertThatThrownBy(
            () -> plan(tree, 5, fs("/home/u/.ssh/work", List.of("/home/u/.ssh"), List.of())))
        .isInstanceOf(SandboxException.class);
  }

  @Test
  void aDeniedPathThatIsASymlinkIsDeniedAtItsTarget() {
    FakeTree tree =
        host().file("/data/keys/id_rsa", "/data/other").link("/home/u/.aws", "/data/keys");
    LandlockRules rules = plan(tree, 5, fs("/home/u/proj", List.of("/home/u/.aws"), List.of()));
    Map<String, Long> a = access(rules);
    assertThat(a).containsEntry("/data/other", RX_FILE).doesNotContainKeys("/data", "/data/keys");
    // /home is not on the way to the real denied path: granted whole, the link inside it included.
    // Landlock checks the resolved path, so reading through /home/u/.aws reaches /data/keys:
    // denied.
    assertThat(a).containsEntry("/home", RX).doesNotContainKey("/home/u/.aws");
  }

  @Test
  void aDeniedPathReachedThroughASymlinkedAncestorIsDeniedAtItsRealLocation() {
    FakeTree tree =
        new FakeTree()
            .file("/data/u/.ssh/id", "/data/u/notes")
            .dir("/data/u/proj")
            .link("/home/u", "/data/u");
    LandlockRules rules = plan(tree, 5, fs("/home/u/proj", List.of("/home/u/.ssh"), List.of()));
    assertThat(access(rules))
        .containsEntry("/data/u/notes", RX_FILE)
        .containsEntry("/data/u/proj", ALL_ABI5)
        .containsEntry("/home", RX) // only holds the link; what it resolves to is checked
        .doesNotContainKeys("/data/u/.ssh", "/data/u", "/data", "/home/u");
  }

  @Test
  void aSiblingSymlinkPointingIntoADeniedPathIsNotGranted() {
    FakeTree tree = host().link("/home/u/keys", "/home/u/.ssh").link("/home/u/me", "/home/u");
    Map<String, Long> a =
        access(plan(tree, 5, fs("/home/u/proj", List.of("/home/u/.ssh"), List.of())));
    assertThat(a).doesNotContainKeys("/home/u/keys", "/home/u/me", "/home/u/.ssh");
  }

  @Test
  void aMissingDeniedPathStillKeepsItsNameUngranted() {
    Map<String, Long> a =
        access(plan(host(), 5, fs("/home/u/proj", List.of("/home/u/.config/gh"), List.of())));
    // .config does not exist: every existing child of /home/u is granted, a later .config is not.
    assertThat(a)
        .containsEntry("/home/u/.ssh", RX)
        .containsEntry("/home/u/.bashrc", RX_FILE)
        .doesNotContainKeys("/home/u", "/home/u/.config");
  }

  @Test
  void anAllowListLimitsReadsToItselfTheSystemPathsAndTheWritableRoots() {
    FakeTree tree = host().dir("/opt/tool", "/opt/other", "/lib64", "/sys/devices/system/cpu");
    LandlockRules rules =
        plan(tree, 5, fs("/home/u/proj", List.of("/home/u/.ssh"), List.of("/opt/tool")));
    assertThat(access(rules))
        .containsOnlyKeys(
            "/usr", // "/bin" is a link to /usr/bin, which /usr covers
            "/sbin",
            "/lib",
            "/lib32",
            "/lib64",
            "/libx32",
            "/etc",
            "/proc",
            "/sys/devices/system/cpu",
            "/opt/tool",
            "/home/u/proj",
            "/dev/null",
            "/dev/zero",
            "/dev/full",
            "/dev/tty",
            "/dev/random",
            "/dev/urandom")
        .containsEntry("/opt/tool", RX)
        .containsEntry("/usr", RX);
  }

  @Test
  void anAllowListedDirectoryWithADeniedPathInsideIsSplit() {
    LandlockRules rules =
        plan(host(), 5, fs("/home/u/proj", List.of("/home/u/.ssh"), List.of("/home/u")));
    assertThat(access(rules))
        .containsEntry("/home/u/.bashrc", RX_FILE)
        .doesNotContainKeys("/home/u", "/home/u/.ssh", "/home/v", "/tmp");
  }

  @Test
  void anAllowListedPathInsideADeniedPathStaysDenied() {
    LandlockRules rules =
        plan(
            host(),
            5,
            fs("/home/u/proj", List.of("/home/u/.ssh"), List.of("/home/u/.ssh/id_ed25519")));
    assertThat(access(rules)).doesNotContainKeys("/home/u/.ssh/id_ed25519", "/home/u/.ssh");
  }

  @Test
  void aPerRunTmpdirIsWritableButTheSharedTmpIsNot() {
    FakeTree tree = host().dir("/tmp/sandbox4j-run-1", "/tmp/mine");
    FilesystemPolicy fs = fs("/home/u/proj", List.of(), List.of());
    assertThat(access(plan(tree, 5, fs, Optional.of(Path.of("/tmp/sandbox4j-run-1")))))
        .containsEntry("/tmp/sandbox4j-run-1", ALL_ABI5);
    assertThat(access(plan(tree, 5, fs, Optional.of(Path.of("/tmp")))))
        .doesNotContainEntry("/tmp", ALL_ABI5);
    assertThat(access(plan(tree, 5, fs, Optional.of(Path.of("/tmp/mine")))))
        .doesNotContainKey("/tmp/mine");
  }

  @Test
  void rulesOnFilesCarryOnlyFileRightsWhichTheKernelAccepts() {
    FakeTree tree = host();
    LandlockRules rules =
        plan(
            tree,
            5,
            fs("/home/u/proj", List.of("/home/u/.ssh"), List.of("/home/u/.bashrc", "/nope")));
    assertThat(rules.pathRules())
        .filteredOn(r -> !tree.isDirectory(r.path()))
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r.allowedAccess() & ~LandlockAccess.FS_FILE_RIGHTS)
                    .as(r.toString())
                    .isZero());
    assertThat(access(rules))
        .containsEntry("/home/u/.bashrc", RX_FILE)
        .containsEntry("/nope", RX_FILE);
  }

  @Test
  void handledRightsDegradeByAbi() {
    FilesystemPolicy fs = fs("/home/u/proj", List.of(), List.of());
    assertThat(plan(host(), 1, fs).handledAccessFs()).isEqualTo(0x1FFF);
    assertThat(plan(host(), 2, fs).handledAccessFs()).isEqualTo(0x3FFF);
    assertThat(plan(host(), 3, fs).handledAccessFs()).isEqualTo(0x7FFF);
    assertThat(plan(host(), 4, fs).handledAccessFs()).isEqualTo(0x7FFF);
    assertThat(plan(host(), 5, fs).handledAccessFs()).isEqualTo(0xFFFF);
    assertThat(plan(host(), 7, fs).handledAccessFs()).isEqualTo(0xFFFF);
    // Never a right the ruleset does not handle (the kernel would reject the rule).
    for (int abi = 1; abi <= 7; abi++) {
      LandlockRules r = plan(host(), abi, fs);
      assertThat(r.pathRules())
          .allSatisfy(p -> assertThat(p.allowedAccess() & ~r.handledAccessFs()).isZero());
      assertThat(r.handledAccessNet()).isZero();
      assertThat(r.portRules()).isEmpty();
    }
    assertThat(access(plan(host(), 1, fs))).containsEntry("/dev/null", DEV_W & 0x1FFF);
  }

  @Test
  void scopesNeedAbi6AndAbstractSocketsAreScopedOnlyWithoutNetwork() {
    assertThat(LandlockPlanner.scopes(5, true).scoped()).isZero();
    assertThat(LandlockPlanner.scopes(6, true).scoped())
        .isEqualTo(LandlockAccess.SCOPE_SIGNAL | LandlockAccess.SCOPE_ABSTRACT_UNIX_SOCKET);
    assertThat(LandlockPlanner.scopes(7, false).scoped()).isEqualTo(LandlockAccess.SCOPE_SIGNAL);
    LandlockRules scopeOnly = LandlockPlanner.scopes(6, false);
    assertThat(scopeOnly.handledAccessFs()).isZero();
    assertThat(scopeOnly.pathRules()).isEmpty();
    // and the filesystem part carries no scopes: the process isolator owns them
    assertThat(plan(host(), 7, fs("/home/u/proj", List.of(), List.of())).scoped()).isZero();
  }

  static LandlockRules planOwning(FilesystemPolicy fs, Feature... owned) {
    return new LandlockPlanner(host())
        .plan(new LandlockPlanner.Request(5, fs, Optional.empty(), Set.of(owned)));
  }

  @Test
  void withoutTheDenyListTheParentsOfDeniedPathsStayListableAndDevStaysDenied() {
    FilesystemPolicy fs = fs("/home/u/proj", List.of("/home/u/.ssh"), List.of());
    LandlockRules rules = planOwning(fs, Feature.FS_WRITE_CONFINEMENT);
    assertThat(rules.handledAccessFs()).isEqualTo(ALL_ABI5);
    assertThat(access(rules))
        .containsEntry("/home", RX)
        .containsEntry("/home/u/proj", ALL_ABI5)
        .containsEntry("/dev/null", DEV_W)
        // / listable (READ_DIR alone, so nothing beneath is readable through it), /dev withheld
        .containsEntry("/", FS_READ_DIR)
        .doesNotContainKeys("/dev", "/dev/pts", "/home/u/.bashrc");
    assertThat(planOwning(fs, Feature.FS_WRITE_CONFINEMENT, Feature.FS_READ_DENY).pathRules())
        .extracting(r -> r.path().toString())
        .doesNotContain("/home")
        .contains("/home/u/.bashrc");
  }

  @Test
  void withoutWriteConfinementOnlyReadingAndReferAreHandled() {
    FilesystemPolicy fs = fs("/home/u/proj", List.of("/home/u/.ssh"), List.of());
    LandlockRules rules = planOwning(fs, Feature.FS_READ_DENY);
    long readRefer = RX | FS_REFER;
    assertThat(rules.handledAccessFs()).isEqualTo(readRefer);
    assertThat(access(rules))
        .containsEntry("/home/v", readRefer)
        .containsEntry("/home/u/proj", readRefer)
        .containsEntry("/home/u/.bashrc", RX_FILE)
        .containsEntry("/dev/null", FS_READ_FILE)
        .doesNotContainKeys("/home/u/.ssh", "/home/u", "/dev");
  }

  @Test
  void aDeniedPathInsideAWritableRootIsAnotherIsolatorsConcernWhenItOwnsTheDenyList() {
    FilesystemPolicy fs = fs("/home/u", List.of("/home/u/.ssh"), List.of());
    assertThat(access(planOwning(fs, Feature.FS_WRITE_CONFINEMENT)))
        .containsEntry("/home/u", ALL_ABI5);
  }
}
