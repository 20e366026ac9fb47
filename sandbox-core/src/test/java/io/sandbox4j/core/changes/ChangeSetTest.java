package io.sandbox4j.core.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change set over a layer written by hand (additions, changes, an opaque directory; whiteouts
 * need mknod, so the conformance scenarios cover them with a real overlay).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "reads unix attributes and user xattrs")
class ChangeSetTest {
  @TempDir Path tmp;
  Path ws;
  ChangeSets store;
  ChangeSet cs;

  @BeforeEach
  void setUp() throws Exception {
    ws = Files.createDirectories(tmp.resolve("ws"));
    Files.writeString(ws.resolve("a.txt"), "one\ntwo\n");
    Files.writeString(ws.resolve("same.txt"), "same\n");
    Files.createDirectories(ws.resolve("d"));
    Files.writeString(ws.resolve("d/old.txt"), "old\n");
    store = new ChangeSets(tmp.resolve("cache/sandbox4j/changes"));
    // the run's start is taken less a margin for the kernel's coarse clock: the tree is older
    Thread.sleep(2 * ChangeSets.CLOCK_MARGIN.toMillis());
    cs = store.create(ws, List.of(".git/hooks", ".git/config", ".sandbox4j"));
    // what an overlay leaves: a changed file, a file copied up unchanged, an opaque directory
    Path up = cs.upper();
    Files.writeString(up.resolve("a.txt"), "one\nTWO\n");
    Files.writeString(up.resolve("same.txt"), "same\n");
    Files.setPosixFilePermissions(
        up.resolve("same.txt"), Files.getPosixFilePermissions(ws.resolve("same.txt")));
    Files.createDirectories(up.resolve("d"));
    Files.writeString(up.resolve("d/new.txt"), "new\n");
    opaque(up.resolve("d"));
    Files.createSymbolicLink(up.resolve("link"), Path.of("a.txt"));
    Files.write(up.resolve("bin"), new byte[] {0, 1, 2});
    Files.setPosixFilePermissions(up.resolve("bin"), PosixFilePermissions.fromString("rwx------"));
  }

  private static void opaque(Path dir) throws Exception {
    Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class)
        .write("overlay.opaque", ByteBuffer.wrap("y".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void readsTheLayerAsChanges() {
    assertThat(cs.changes().stream().map(Change::toString))
        .containsExactly("C a.txt", "A bin", "A d/new.txt", "D d/old.txt", "A link");
    assertThat(cs.summary()).isEqualTo("added 3, changed 1, deleted 1, 15 bytes");
  }

  @Test
  void diffShowsTextNamesBinaryAndLinks() {
    String diff = cs.diff();
    assertThat(diff)
        .contains("--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n")
        .contains("Binary files /dev/null and b/bin differ")
        .contains("+-> a.txt")
        .contains("--- a/d/old.txt\n+++ /dev/null\n");
  }

  @Test
  void applyReproducesTheLayerAndDiscardsIt() throws Exception {
    cs.apply(false);
    assertThat(Files.readString(ws.resolve("a.txt"))).isEqualTo("one\nTWO\n");
    assertThat(Files.exists(ws.resolve("d/old.txt"))).isFalse();
    assertThat(Files.readString(ws.resolve("d/new.txt"))).isEqualTo("new\n");
    assertThat(Files.readSymbolicLink(ws.resolve("link"))).isEqualTo(Path.of("a.txt"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.resolve("bin"))))
        .isEqualTo("rwx------");
    assertThat(cs.directory()).doesNotExist();
    assertThat(store.list()).isEmpty();
  }

  @Test
  void protectedPathsAreRefusedWithNothingWritten() throws Exception {
    Files.createDirectories(cs.upper().resolve(".git/hooks"));
    Files.writeString(cs.upper().resolve(".git/hooks/pre-commit"), "#!/bin/sh\n");
    Files.createDirectories(cs.upper().resolve("sub/.sandbox4j"));
    Files.writeString(cs.upper().resolve("sub/.sandbox4j/p.toml"), "x");
    Map<String, String> before = snapshot();
    assertThatThrownBy(() -> cs.apply(false))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining(".git/hooks/pre-commit")
        .hasMessageContaining("sub/.sandbox4j/p.toml")
        .hasMessageContaining("--allow-protected")
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(1));
    assertThat(snapshot()).isEqualTo(before);
    cs.apply(true);
    assertThat(ws.resolve(".git/hooks/pre-commit")).exists();
  }

  @Test
  void aRealFileChangedSinceTheStartIsAConflictAndNothingIsWritten() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "user edit\n");
    Files.setLastModifiedTime(
        ws.resolve("a.txt"), FileTime.from(Instant.EPOCH)); // ctime still moves
    Map<String, String> before = snapshot();
    assertThatThrownBy(() -> cs.apply(false))
        .hasMessageContaining("a.txt (changed since the run started)")
        .hasMessageContaining("nothing was written");
    assertThat(snapshot()).isEqualTo(before);
    assertThat(cs.directory()).exists();
  }

  @Test
  void anAdditionWhosePathAppearedIsAConflict() throws Exception {
    Files.writeString(ws.resolve("bin"), "user's own");
    assertThat(cs.conflicts()).containsExactly("bin (changed since the run started)");
  }

  @Test
  void storeFindsListsAndCleansUpByWorkspace() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other"));
    ChangeSet second = store.create(other, List.of());
    assertThat(store.get(cs.id()).workspace()).isEqualTo(ws.toRealPath());
    assertThat(store.list()).extracting(ChangeSet::id).contains(cs.id(), second.id());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.root())))
        .isEqualTo("rwx------");
    assertThat(store.cleanup(ws)).hasSize(1);
    assertThat(store.list()).extracting(ChangeSet::id).containsExactly(second.id());
    assertThatThrownBy(() -> store.get("nonsense"))
        .isInstanceOf(SandboxException.class)
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(2));
    assertThatThrownBy(() -> store.get(cs.id())).hasMessageContaining("no change set");
  }

  private Map<String, String> snapshot() throws Exception {
    Map<String, String> m = new java.util.TreeMap<>();
    try (var s = Files.walk(ws)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        m.put(
            ws.relativize(p).toString(),
            Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "dir");
      }
    }
    return m;
  }
}
