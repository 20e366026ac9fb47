package io.sandbox4j.core.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the issue-14 red team found a change set could be made to do (each failed before its fix): a
 * hook planted in a {@code core.hooksPath} directory applied without a question, names that forge
 * lines of the review, a name that is not UTF-8 crashing every listing, a huge sparse file
 * exhausting the memory of {@code diff}, a FIFO failing the apply "part way", and a parent
 * directory replaced by a link after the run taking the write outside the workspace.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "FIFOs, links and names of arbitrary bytes")
class ChangeSetRedTeamTest {
  @TempDir Path tmp;
  Path ws;
  Path outside;
  ChangeSets store;

  @BeforeEach
  void setUp() throws Exception {
    ws = Files.createDirectories(tmp.resolve("ws"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("old.txt"), "outside\n");
    Files.createDirectories(ws.resolve("d"));
    Files.writeString(ws.resolve("d/old.txt"), "old\n");
    store = new ChangeSets(tmp.resolve("cache/sandbox4j/changes"));
  }

  /** A change set created after the real tree was written (the coarse clock's margin). */
  private ChangeSet create() throws Exception {
    Thread.sleep(2 * ChangeSets.CLOCK_MARGIN.toMillis());
    return store.create(ws, List.of(".git/hooks", ".git/config", ".sandbox4j"));
  }

  private static void repo(Path top, String config) throws Exception {
    Path git = Files.createDirectories(top.resolve(".git"));
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.createDirectories(git.resolve("objects"));
    Files.createDirectories(git.resolve("refs"));
    Files.writeString(git.resolve("config"), config);
  }

  private static void sh(Path dir, String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(script).isZero();
  }

  @Test
  void aHookInACoreHooksPathDirectoryIsProtected() throws Exception {
    repo(ws, "[core]\n\thooksPath = .githooks\n");
    Files.writeString(ws.resolve("extra.cfg"), "[core]\n\thooksPath = tools/hooks\n");
    repo(ws.resolve("sub"), "[include]\n\tpath = ../../extra.cfg\n[core]\n\thooksPath = myhooks\n");
    ChangeSet cs = create();
    for (String hook :
        List.of(".githooks/pre-commit", "sub/myhooks/pre-commit", "sub/tools/hooks/x")) {
      Path p = cs.upper().resolve(hook);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "#!/bin/sh\necho planted\n");
    }
    Files.writeString(cs.upper().resolve("ok.txt"), "fine\n");
    assertThat(cs.protectedPaths())
        .contains(".githooks/pre-commit", "sub/myhooks/pre-commit", "sub/tools/hooks/x")
        .doesNotContain("ok.txt");
    assertThatThrownBy(() -> cs.apply(false))
        .hasMessageContaining(".githooks/pre-commit")
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(1));
    assertThat(ws.resolve(".githooks")).doesNotExist();
    assertThat(ws.resolve("ok.txt")).doesNotExist();
  }

  @Test
  void namesThatWouldForgeTheReviewAreQuoted() throws Exception {
    ChangeSet cs = create();
    Files.writeString(cs.upper().resolve("a\nD evil"), "x\n");
    Files.writeString(cs.upper().resolve("esc\u001b[2K\rhidden"), "y\n");
    List<String> shown = cs.changes().stream().map(Change::toString).toList();
    assertThat(shown).containsExactly("A \"a\\nD evil\"", "A \"esc\\033[2K\\rhidden\"");
    assertThat(cs.diff())
        .contains("diff --git \"a/a\\nD evil\" \"b/a\\nD evil\"\n")
        .contains("+++ \"b/esc\\033[2K\\rhidden\"\n")
        .doesNotContain("\u001b")
        .doesNotContain("\nD evil");
    assertThat(cs.stat()).doesNotContain("\u001b").doesNotContain("\nD evil");
  }

  @Test
  void aNameThatIsNotUtf8IsAPreciseErrorNotACrash() throws Exception {
    ChangeSet cs = create();
    sh(cs.upper(), "printf x > \"$(printf 'bad\\377name')\"");
    assertThatThrownBy(cs::changes)
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("is not valid UTF-8")
        .hasMessageContaining(cs.id());
    cs.discard();
    assertThat(cs.directory()).doesNotExist();
  }

  @Test
  void aHugeSparseFileIsNamedInTheDiffNotRead() throws Exception {
    ChangeSet cs = create();
    try (RandomAccessFile f = new RandomAccessFile(cs.upper().resolve("big").toFile(), "rw")) {
      f.setLength(3L * 1024 * 1024 * 1024);
    }
    assertThat(cs.diff()).contains("Binary files /dev/null and b/big differ");
    assertThat(cs.stat()).contains("A big (binary)");
  }

  @Test
  void aFifoIsRefusedUpFrontWithNothingWritten() throws Exception {
    ChangeSet cs = create();
    Files.writeString(cs.upper().resolve("new.txt"), "n\n");
    sh(cs.upper(), "mkfifo pipe");
    assertThatThrownBy(() -> cs.apply(false))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("nothing was written")
        .hasMessageContaining("pipe")
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(1));
    assertThat(ws.resolve("new.txt")).doesNotExist();
  }

  @Test
  void aParentReplacedByALinkBetweenTheCheckAndTheWriteTakesNothingOutOfTheWorkspace()
      throws Exception {
    ChangeSet cs = create();
    Files.createDirectories(cs.upper().resolve("d"));
    Files.writeString(cs.upper().resolve("d/old.txt"), "from the layer\n");
    List<Change> checked = cs.changes();
    assertThat(cs.conflicts()).isEmpty();
    // between apply's checks and its writes, the real directory becomes a link out of it
    Files.delete(ws.resolve("d/old.txt"));
    Files.delete(ws.resolve("d"));
    Files.createSymbolicLink(ws.resolve("d"), outside);
    assertThatThrownBy(() -> new LayerApplier(cs.upper(), ws).apply(checked))
        .hasMessageContaining("the parent of d/old.txt became a link");
    assertThat(Files.readString(outside.resolve("old.txt"))).isEqualTo("outside\n");
  }

  @Test
  void aLayerEntryTurnedIntoALinkAfterTheCheckIsNeitherFollowedNorChmodded() throws Exception {
    // a `run --on ID` of the same change set may write its layer while `apply ID` runs
    Files.setPosixFilePermissions(
        outside.resolve("old.txt"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    ChangeSet cs = create();
    Files.writeString(cs.upper().resolve("new.txt"), "new\n");
    Files.createDirectories(cs.upper().resolve("n"));
    Files.writeString(cs.upper().resolve("n/old.txt"), "layer\n");
    List<Change> checked = cs.changes();
    Files.delete(cs.upper().resolve("new.txt"));
    Files.createSymbolicLink(cs.upper().resolve("new.txt"), outside.resolve("old.txt"));
    assertThatThrownBy(() -> new LayerApplier(cs.upper(), ws).apply(checked))
        .hasMessageContaining("new.txt in the layer changed since it was checked");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(outside.resolve("old.txt"))))
        .isEqualTo("rw-------");
    assertThat(ws.resolve("new.txt")).doesNotExist();
    // a directory of the layer turned into a link out of it: its files are not read (the first
    // attempt got as far as n/old.txt, sorted before new.txt: a fresh workspace for the second)
    ChangeSet.removeTree(ws.resolve("n"));
    Files.delete(cs.upper().resolve("new.txt"));
    Files.writeString(cs.upper().resolve("new.txt"), "new\n");
    Files.delete(cs.upper().resolve("n/old.txt"));
    Files.delete(cs.upper().resolve("n"));
    Files.createSymbolicLink(cs.upper().resolve("n"), outside);
    assertThatThrownBy(() -> new LayerApplier(cs.upper(), ws).apply(checked))
        .hasMessageContaining("n/old.txt in the layer changed since it was checked");
    assertThat(ws.resolve("n/old.txt")).doesNotExist();
  }

  @Test
  void aChangeSetInUseIsNeitherAppliedNorDiscardedNorCleanedUp() throws Exception {
    ChangeSet cs = create();
    Files.writeString(cs.upper().resolve("new.txt"), "new\n");
    try (java.io.Closeable run = cs.lock("continued")) {
      assertThatThrownBy(() -> cs.apply(false))
          .hasMessageContaining("is in use")
          .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(1));
      assertThatThrownBy(cs::discard).hasMessageContaining("is in use");
      assertThatThrownBy(() -> cs.lock("continued")).hasMessageContaining("is in use");
      assertThat(store.cleanup(ws)).singleElement().asString().startsWith("kept change set");
      assertThat(ws.resolve("new.txt")).doesNotExist();
      assertThat(cs.directory()).exists();
    }
    cs.apply(false);
    assertThat(ws.resolve("new.txt")).hasContent("new");
    assertThat(cs.directory()).doesNotExist();
  }

  @Test
  void cleanupDiscardsAnUnreadableChangeSetToo() throws Exception {
    ChangeSet cs = create();
    sh(cs.upper(), "printf x > \"$(printf 'bad\\377name')\"");
    assertThat(store.cleanup(ws)).singleElement().asString().startsWith("discarded change set");
    assertThat(cs.directory()).doesNotExist();
  }
}
