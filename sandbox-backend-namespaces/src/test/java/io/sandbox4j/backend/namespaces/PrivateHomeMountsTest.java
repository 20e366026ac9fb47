package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.MountAliases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: the hide mount planned for a private home, without running anything. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "plans Linux mounts")
class PrivateHomeMountsTest {
  @TempDir Path tmp;

  private static FilesystemPolicy fs(
      Path ws, List<Path> writable, List<Path> homes, List<Path> grants) {
    return new FilesystemPolicy(
        ws, writable, List.of(), List.of(), List.of(), List.of(), false, List.of(), homes, grants);
  }

  private static List<Mount> plan(FilesystemPolicy fs) {
    FilesystemMounts m = new FilesystemMounts();
    m.privateHomes(fs);
    return m.mounts();
  }

  @Test
  void theHomeIsHiddenKeepingTheWorkspaceAndGrantsShallowestFirst() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home")).toRealPath();
    Path ws = Files.createDirectories(home.resolve("src/p"));
    Path m2 = Files.createDirectories(home.resolve(".m2/repository")).getParent();
    Path inner = Files.createDirectories(m2.resolve("repository/x"));
    Files.createDirectories(home.resolve(".mozilla"));
    List<Mount> mounts =
        plan(fs(ws, List.of(), List.of(home), List.of(inner, m2, home.resolve("missing"))));
    assertThat(mounts)
        .contains(new Mount(MountKind.HIDE, home, true, List.of(m2, ws)))
        .contains(Mount.optional(MountKind.READ_ONLY_BIND, m2))
        .doesNotContain(Mount.optional(MountKind.READ_ONLY_BIND, ws))
        .noneMatch(m -> m.path().equals(inner));
  }

  @Test
  void otherMountsShowingTheHomeAreHiddenTooKeepingWhatIsSpelledThere() throws IOException {
    // attack 13: a bind mount of the home's parent (or of a file in it) elsewhere showed it whole
    Path home = Files.createDirectories(tmp.resolve("home/u")).toRealPath();
    Path copy = Files.createDirectories(tmp.resolve("mnt/copy/u")).toRealPath();
    Path ws = Files.createDirectories(copy.resolve("proj"));
    Path file = Files.writeString(Files.createDirectories(tmp.resolve("srv")).resolve("x"), "");
    String table =
        String.join(
            "\n",
            "1 0 9:9 / / rw - ext4 /dev/x rw",
            "2 1 9:9 " + home.getParent() + " " + copy.getParent() + " rw - ext4 /dev/x rw",
            "3 1 9:9 " + home.resolve(".sec/x") + " " + file + " rw - ext4 /dev/x rw");
    FilesystemMounts m = new FilesystemMounts(MountAliases.parse(table));
    m.privateHomes(fs(ws, List.of(), List.of(home), List.of()));
    assertThat(m.mounts())
        .contains(
            new Mount(MountKind.HIDE, home, true, List.of()),
            new Mount(MountKind.HIDE, copy, true, List.of(ws)),
            Mount.optional(MountKind.MASK, file));
  }

  @Test
  void aHomeReachedThroughALinkIsHiddenAtItsRealPathAndItsKeepsMapped() throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real")).toRealPath();
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    Files.createDirectories(real.resolve("ws"));
    List<Mount> mounts = plan(fs(link.resolve("ws"), List.of(), List.of(link), List.of()));
    assertThat(mounts)
        .containsExactly(new Mount(MountKind.HIDE, real, true, List.of(real.resolve("ws"))));
  }

  @Test
  void aHomeInsideAnotherIsCoveredByTheOuterAndAMissingHomeIsSkipped() throws IOException {
    Path outer = Files.createDirectories(tmp.resolve("root")).toRealPath();
    Path inner = Files.createDirectories(outer.resolve(".cache/run/home"));
    Path ws = Files.createDirectories(outer.resolve(".cache/run/ws"));
    List<Mount> mounts =
        plan(fs(ws, List.of(), List.of(inner, outer, tmp.resolve("gone")), List.of()));
    assertThat(mounts).containsExactly(new Mount(MountKind.HIDE, outer, true, List.of(ws)));
  }

  @Test
  void moreVisiblePathsThanTheLauncherBindsAreRefused() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home")).toRealPath();
    List<Path> grants = new ArrayList<>();
    for (int i = 0; i <= FilesystemMounts.MAX_KEPT; i++) {
      grants.add(Files.createDirectories(home.resolve("g" + i)));
    }
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    assertThatThrownBy(() -> plan(fs(ws, List.of(), List.of(home), grants)))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("65 paths inside it must stay visible")
        .hasMessageContaining("--home read");
  }
}
