package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(value = OS.LINUX, disabledReason = "symbolic links and bind mounts as Linux has them")
class AncestryTest {
  @TempDir Path tmp;

  @Test
  void aDirectoryHoldsItselfAndWhatLiesBeneathItButNotItsSiblings() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("a/b"));
    Path sibling = Files.createDirectories(tmp.resolve("a/c"));
    Ancestry ancestry = Ancestry.of(dir);
    assertThat(ancestry.real()).isEqualTo(dir.toRealPath());
    assertThat(ancestry.isHeldBy(dir)).isTrue();
    assertThat(ancestry.isHeldBy(tmp.resolve("a"))).isTrue();
    assertThat(ancestry.isHeldBy(sibling)).isFalse();
    assertThat(ancestry.isHeldBy(tmp.resolve("a/b/c"))).as("beneath it, missing").isFalse();
    assertThat(ancestry.holds(tmp.resolve("a/b/c/d"))).as("a missing path beneath it").isTrue();
    assertThat(ancestry.holds(tmp.resolve("a"))).isFalse();
    assertThat(ancestry.holds(sibling)).isFalse();
  }

  @Test
  void aLinkOrADotDotSpellingCountsAsTheDirectoryItNames() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("a/b"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("a"));
    Ancestry ancestry = Ancestry.of(dir);
    assertThat(ancestry.isHeldBy(link)).isTrue();
    assertThat(ancestry.isHeldBy(tmp.resolve("a/c/.."))).isTrue();
    assertThat(Ancestry.of(link.resolve("b")).real()).isEqualTo(dir.toRealPath());
    assertThat(Ancestry.of(tmp.resolve("a")).holds(link.resolve("b/x"))).isTrue();
  }

  /** Of many paths, the first that holds or lies in a guarded directory under any name. */
  @Test
  void firstReachingFindsThePathThatHoldsOrLiesInAGuardedDirectory() throws Exception {
    Path guarded = Files.createDirectories(tmp.resolve("cache/guarded"));
    Path other = Files.createDirectories(tmp.resolve("cache/other"));
    List<Ancestry> dirs = List.of(Ancestry.of(guarded), Ancestry.of(tmp.resolve("missing/dir")));
    List<Path> harmless = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      harmless.add(Files.createDirectories(tmp.resolve("ws/d" + i)));
    }
    harmless.add(other);
    assertThat(Ancestry.firstReaching(harmless, dirs)).isEmpty();
    Path above = Files.createSymbolicLink(tmp.resolve("ws/d7/up"), tmp.resolve("cache"));
    Path inside = Files.createSymbolicLink(tmp.resolve("ws/d8/in"), guarded);
    for (Path p : List.of(above, inside.resolve("x"), tmp.resolve("missing"), tmp)) {
      List<Path> paths = new ArrayList<>(harmless);
      paths.add(50, p);
      assertThat(Ancestry.firstReaching(paths, dirs)).as(p.toString()).contains(p);
    }
  }

  /** A path not made yet is judged through its nearest existing ancestor and the rest. */
  @Test
  void aMissingPathIsHeldByWhatHoldsItsExistingAncestor() throws Exception {
    Path link =
        Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectory(tmp.resolve("a")));
    Ancestry missing = Ancestry.of(link.resolve("not/yet"));
    assertThat(missing.real()).isEqualTo(tmp.resolve("a").toRealPath().resolve("not/yet"));
    assertThat(missing.isHeldBy(tmp.resolve("a"))).isTrue();
    assertThat(missing.isHeldBy(tmp.resolve("a/not"))).as("by path, though missing").isTrue();
    assertThat(missing.isHeldBy(tmp.resolve("b"))).isFalse();
  }

  /** A bind mount names a directory under a real path of its own: its identity gives it away. */
  @Test
  void aBindMountedAliasCountsAsTheDirectoryItShows() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("a/b"));
    Path alias = Files.createDirectory(tmp.resolve("alias"));
    assumeTrue(mount(tmp.resolve("a"), alias), "bind mounts need root");
    try {
      Ancestry ancestry = Ancestry.of(dir);
      assertThat(SystemRoots.real(alias)).isNotEqualTo(tmp.resolve("a").toRealPath());
      assertThat(ancestry.isHeldBy(alias)).isTrue();
      assertThat(Ancestry.of(tmp.resolve("a")).holds(alias.resolve("b"))).isTrue();
      assertThat(Ancestry.of(alias.resolve("b")).isHeldBy(tmp.resolve("a"))).isTrue();
    } finally {
      new ProcessBuilder("umount", alias.toString()).inheritIO().start().waitFor();
    }
  }

  private static boolean mount(Path source, Path target) throws Exception {
    return new ProcessBuilder("mount", "--bind", source.toString(), target.toString())
            .inheritIO()
            .start()
            .waitFor()
        == 0;
  }
}
