package io.sandbox4j.core.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep on real directories: what exists before {@link #runStarts()} is the user's, what is
 * written after it is the command's (ctime decides, as after a real run).
 */
class GitSweepTest {
  static final String FSMONITOR = "[core]\n\trepositoryformatversion = 0\n\tfsmonitor = touch x\n";

  @TempDir Path ws;
  @TempDir Path outside;
  @TempDir Path home;
  private Instant threshold;

  @BeforeEach
  void userRepository() throws IOException {
    repo(ws.resolve(".git"), "[core]\n\trepositoryformatversion = 0\n\tbare = false\n");
  }

  static Path repo(Path gitDir, String config) throws IOException {
    Files.createDirectories(gitDir.resolve("objects"));
    Files.createDirectories(gitDir.resolve("refs/heads"));
    Files.createDirectories(gitDir.resolve("hooks"));
    Files.writeString(gitDir.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(gitDir.resolve("config"), config);
    return gitDir;
  }

  /** Everything before this is the user's. */
  void runStarts() throws InterruptedException {
    Thread.sleep(50); // ctime comes from a coarse clock
    threshold = Instant.now();
    Thread.sleep(50);
  }

  GitSweep.Outcome sweep() {
    return sweep(Long.MAX_VALUE);
  }

  private GitSweep.Outcome sweep(long limit) {
    return new GitSweep(List.of(ws), threshold, Map.of(), home, limit).run();
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aNestedRepositoryTheCommandMadeLosesItsFsmonitor() throws Exception {
    runStarts();
    Path sub = repo(ws.resolve("sub/.git"), FSMONITOR);
    GitSweep.Outcome o = sweep();
    assertThat(o.failed()).isFalse();
    assertThat(Files.readString(sub.resolve("config")))
        .contains("repositoryformatversion")
        .doesNotContain("fsmonitor");
    assertThat(names(sub)).anyMatch(n -> n.startsWith("config" + GitSweep.ORIGINAL));
    assertThat(o.notices()).anyMatch(n -> n.contains("sanitized " + sub.resolve("config")));
  }

  @Test
  void aRepositoryIsFoundByStructureWhateverItsName() throws Exception {
    runStarts();
    Path bare = repo(ws.resolve("deep/er/anything.d"), FSMONITOR);
    Files.writeString(bare.resolve("hooks/post-checkout"), "#!/bin/sh\ntouch x\n");
    sweep();
    assertThat(Files.readString(bare.resolve("config"))).doesNotContain("fsmonitor");
    assertThat(names(bare.resolve("hooks"))).noneMatch(n -> n.equals("post-checkout"));
  }

  @Test
  void theUsersOwnNestedRepositoryAndHookAreLeftAlone() throws Exception {
    Path mine = repo(ws.resolve("mine/.git"), FSMONITOR);
    Files.writeString(mine.resolve("hooks/pre-commit"), "#!/bin/sh\n");
    runStarts();
    Files.writeString(ws.resolve("unrelated.txt"), "work\n");
    GitSweep.Outcome o = sweep();
    assertThat(o.notices()).isEmpty();
    assertThat(Files.readString(mine.resolve("config"))).isEqualTo(FSMONITOR);
    assertThat(names(mine.resolve("hooks"))).containsExactly("pre-commit");
  }

  @Test
  void aChangedConfigWithInertVariablesOnlyIsNotRewritten() throws Exception {
    runStarts();
    String config = "[core]\n\tbare = false\n[branch \"x\"]\n\tremote = origin\n";
    Files.writeString(ws.resolve(".git/config"), config);
    assertThat(sweep().notices()).isEmpty();
    assertThat(Files.readString(ws.resolve(".git/config"))).isEqualTo(config);
  }

  @Test
  void anUnparseableChangedConfigIsReplacedByAMinimalOne() throws Exception {
    runStarts();
    Files.writeString(ws.resolve(".git/config"), "[core] fsmonitor = touch x\n");
    sweep();
    assertThat(Files.readString(ws.resolve(".git/config")))
        .isEqualTo("[core]\n\trepositoryformatversion = \"0\"\n\tbare = \"false\"\n");
  }

  @Test
  void hooksTheCommandWroteAreMovedAsideButSamplesStay() throws Exception {
    Files.writeString(ws.resolve(".git/hooks/pre-push.sample"), "#!/bin/sh\n");
    runStarts();
    Files.writeString(ws.resolve(".git/hooks/pre-commit"), "#!/bin/sh\ntouch x\n");
    Files.writeString(ws.resolve(".git/hooks/pre-rebase.sample"), "#!/bin/sh\n");
    Files.createSymbolicLink(ws.resolve(".git/hooks/pre-push"), Path.of("pre-push.sample"));
    sweep();
    assertThat(names(ws.resolve(".git/hooks")))
        .contains("pre-push.sample", "pre-rebase.sample")
        .noneMatch(n -> n.equals("pre-commit") || n.equals("pre-push"))
        .anyMatch(n -> n.startsWith("pre-commit" + GitSweep.DISABLED));
  }

  @Test
  void theHooksDirectoryTheUsersConfigNamesIsSwept() throws Exception {
    Files.writeString(ws.resolve(".git/config"), "[core]\n\thooksPath = .husky\n");
    Files.createDirectories(ws.resolve(".husky"));
    Files.writeString(ws.resolve(".husky/pre-push"), "#!/bin/sh\n");
    runStarts();
    Files.writeString(ws.resolve(".husky/pre-commit"), "#!/bin/sh\ntouch x\n");
    sweep();
    assertThat(names(ws.resolve(".husky")))
        .doesNotContain("pre-commit")
        .anyMatch(n -> n.startsWith("pre-commit" + GitSweep.DISABLED))
        .as("the directory changed, so every hook in it goes")
        .doesNotContain("pre-push");
  }

  @Test
  void aGlobalHooksPathInsideTheWorkspaceIsSweptToo() throws Exception {
    Files.writeString(
        home.resolve(".gitconfig"), "[core]\n\thooksPath = " + ws.resolve("hk") + "\n");
    Files.createDirectories(ws.resolve("hk"));
    runStarts();
    Files.writeString(ws.resolve("hk/post-checkout"), "#!/bin/sh\n");
    sweep();
    assertThat(names(ws.resolve("hk"))).noneMatch(n -> n.equals("post-checkout"));
  }

  @Test
  void aFileTheUsersConfigIncludesIsSanitizedWhenTheCommandChangesIt() throws Exception {
    Files.writeString(ws.resolve(".git/config"), "[include]\n\tpath = ../shared.gitconfig\n");
    Files.writeString(ws.resolve("shared.gitconfig"), "[user]\n\tname = me\n");
    runStarts();
    Files.writeString(ws.resolve("shared.gitconfig"), "[core]\n\tfsmonitor = touch x\n");
    sweep();
    assertThat(Files.readString(ws.resolve("shared.gitconfig"))).doesNotContain("fsmonitor");
    assertThat(Files.readString(ws.resolve(".git/config"))).contains("include");
  }

  @Test
  void aPointerRewrittenToADirectoryOutsideIsMovedAside() throws Exception {
    Path sub = Files.createDirectories(ws.resolve("sub"));
    Files.writeString(sub.resolve(".git"), "gitdir: ../.git/modules/sub\n");
    repo(outside.resolve("evil"), FSMONITOR);
    runStarts();
    Files.writeString(sub.resolve(".git"), "gitdir: " + outside.resolve("evil") + "\n");
    GitSweep.Outcome o = sweep();
    assertThat(names(sub)).noneMatch(n -> n.equals(".git"));
    assertThat(o.notices()).anyMatch(n -> n.contains("gitdir pointer to " + outside));
  }

  @Test
  void aPointerToADirectoryInsideHasItsTargetSweptWhereverItIs() throws Exception {
    Path sub = Files.createDirectories(ws.resolve("sub"));
    Files.writeString(sub.resolve(".git"), "gitdir: ../.git/modules/sub\n");
    repo(ws.resolve(".git/modules/sub"), "[core]\n\tworktree = ../../../sub\n");
    runStarts();
    // hidden in object storage, which the walk skips: found through the pointer
    Path hidden = repo(ws.resolve(".git/objects/ab/x"), FSMONITOR);
    Files.writeString(sub.resolve(".git"), "gitdir: ../.git/objects/ab/x\n");
    sweep();
    assertThat(Files.readString(hidden.resolve("config"))).doesNotContain("fsmonitor");
  }

  @Test
  void aCommondirLeadingOutsideIsMovedAside() throws Exception {
    repo(outside.resolve("evil"), FSMONITOR);
    runStarts();
    Files.writeString(ws.resolve(".git/commondir"), outside.resolve("evil") + "\n");
    sweep();
    assertThat(names(ws.resolve(".git"))).noneMatch(n -> n.equals("commondir"));
  }

  @Test
  void configWorktreeIsSanitizedToo() throws Exception {
    runStarts();
    Files.writeString(ws.resolve(".git/config.worktree"), "[core]\n\tfsmonitor = touch x\n");
    sweep();
    assertThat(Files.readString(ws.resolve(".git/config.worktree"))).isEmpty();
  }

  @Test
  void aDirectoryTheCommandMadeUnreadableIsReadAnyway() throws Exception {
    runStarts();
    Path sub = repo(ws.resolve("sub/.git"), FSMONITOR);
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("---------"));
    GitSweep.Outcome o = sweep();
    assertThat(o.failed()).isFalse();
    assertThat(Files.readString(sub.resolve("config"))).doesNotContain("fsmonitor");
  }

  @Test
  void theCommandCannotPrepareTheNamesThingsAreMovedTo() throws Exception {
    runStarts();
    Files.writeString(ws.resolve(".git/hooks/pre-commit"), "#!/bin/sh\ntouch x\n");
    for (int i = 0; i < 200; i++) {
      Files.createDirectory(ws.resolve(".git/hooks/pre-commit.sandbox4j-quarantine-" + i));
    }
    GitSweep.Outcome o = sweep();
    assertThat(o.failed()).isFalse();
    assertThat(names(ws.resolve(".git/hooks"))).doesNotContain("pre-commit");
  }

  @Test
  void pastTheEntryLimitTheSweepFails() throws Exception {
    runStarts();
    for (int i = 0; i < 20; i++) {
      Files.writeString(ws.resolve("f" + i), "");
    }
    GitSweep.Outcome o = sweep(10);
    assertThat(o.failures())
        .singleElement()
        .asString()
        .contains("stopped at its limit of 10 entries");
  }

  @Test
  void aRootThatIsGoneIsNothingToSweep() throws Exception {
    runStarts();
    GitSweep.Outcome o =
        new GitSweep(List.of(ws.resolve("nope")), threshold, Map.of(), home, 10).run();
    assertThat(o.failed()).isFalse();
    assertThat(o.notices()).isEmpty();
  }

  // ---- F2: pointers read as git reads them

  @Test
  void pointersAreReadAsGitReadsThem() throws Exception {
    Path f = outside.resolve("pointer");
    Files.writeString(f, "gitdir:  g\r\n\n");
    assertThat(GitSweep.readPointer(f, true)).contains(Path.of(" g"));
    Files.writeString(f, "gitdir: a b \nc\n");
    assertThat(GitSweep.readPointer(f, true)).contains(Path.of("a b \nc"));
    Files.writeString(f, "gitdir:x\n");
    assertThat(GitSweep.readPointer(f, true)).isEmpty();
    Files.write(f, "gitdir: a\0b\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(GitSweep.readPointer(f, true)).contains(Path.of("a"));
    Files.writeString(f, " ../x \r\n");
    assertThat(GitSweep.readPointer(f, false)).contains(Path.of(" ../x "));
  }

  @Test
  void aPointerWithALeadingSpaceLeadsTheSweepWhereGitGoes() throws Exception {
    Path sub = Files.createDirectories(ws.resolve("sub"));
    runStarts();
    Path hidden = repo(ws.resolve(".git/objects/ev"), FSMONITOR);
    repo(sub.resolve("g"), "[core]\n\tbare = false\n"); // the decoy a trimming parser sees
    Files.createSymbolicLink(sub.resolve(" g"), Path.of("../.git/objects/ev"));
    Files.writeString(sub.resolve(".git"), "gitdir:  g\n");
    sweep();
    assertThat(Files.readString(hidden.resolve("config"))).doesNotContain("fsmonitor");
  }

  @Test
  void dotDotAfterALinkInAPointerIsResolvedAsTheKernelDoes() throws Exception {
    Path sub = Files.createDirectories(ws.resolve("sub"));
    runStarts();
    Files.createDirectories(ws.resolve(".git/objects/deep/d"));
    Path hidden = repo(ws.resolve(".git/objects/deep/ev"), FSMONITOR);
    repo(sub.resolve("ev"), "[core]\n\tbare = true\n"); // where a lexical ".." leads
    Files.createSymbolicLink(sub.resolve("l"), ws.resolve(".git/objects/deep/d"));
    Files.writeString(sub.resolve(".git"), "gitdir: l/../ev\n");
    sweep();
    assertThat(Files.readString(hidden.resolve("config"))).doesNotContain("fsmonitor");
  }

  @Test
  void theUsersPointerCannotBeLedOutsideThroughALinkTheCommandMade() throws Exception {
    Path sub = Files.createDirectories(ws.resolve("sub"));
    repo(ws.resolve(".git/modules/sub"), "[core]\n\tbare = false\n");
    Files.writeString(sub.resolve(".git"), "gitdir: ../.git/modules/sub\n");
    repo(outside.resolve("m/sub"), FSMONITOR);
    runStarts();
    Files.move(ws.resolve(".git/modules"), ws.resolve(".git/was-modules"));
    Files.createSymbolicLink(ws.resolve(".git/modules"), outside.resolve("m"));
    GitSweep.Outcome o = sweep();
    assertThat(Files.isSymbolicLink(ws.resolve(".git/modules"))).isFalse();
    assertThat(o.notices()).anyMatch(n -> n.contains("on the way to"));
    assertThat(Files.readString(outside.resolve("m/sub/config"))).contains("fsmonitor");
  }

  // ---- F3: hooks directories outside any repository in the roots

  @Test
  void theEnclosingRepositorysHooksPathInsideTheRootIsSwept() throws Exception {
    // ws is the repository; the root is ws/pkg, whose .husky the repository's config names
    Files.writeString(ws.resolve(".git/config"), "[core]\n\thooksPath = pkg/.husky\n");
    Path husky = Files.createDirectories(ws.resolve("pkg/.husky"));
    runStarts();
    Files.writeString(husky.resolve("pre-commit"), "#!/bin/sh\ntouch x\n");
    GitSweep.Outcome o =
        new GitSweep(List.of(ws.resolve("pkg")), threshold, Map.of(), home, Long.MAX_VALUE).run();
    assertThat(o.failed()).isFalse();
    assertThat(names(husky)).doesNotContain("pre-commit");
  }

  @Test
  void aGlobalHooksPathInARootWithoutAnyRepositoryIsSwept() throws Exception {
    Path root = Files.createDirectories(outside.resolve("root"));
    Path hk = Files.createDirectories(root.resolve("hk"));
    Path cfg = Files.writeString(outside.resolve("global"), "[core]\n\thooksPath = " + hk + "\n");
    runStarts();
    Files.writeString(hk.resolve("pre-commit"), "#!/bin/sh\ntouch x\n");
    new GitSweep(
            List.of(root),
            threshold,
            Map.of("GIT_CONFIG_GLOBAL", cfg.toString()),
            home,
            Long.MAX_VALUE)
        .run();
    assertThat(names(hk)).doesNotContain("pre-commit");
  }

  // ---- F4: a relative hooksPath resolves against each work tree

  @Test
  void aRelativeHooksPathIsResolvedAgainstEachLinkedWorkTree() throws Exception {
    Files.writeString(ws.resolve(".git/config"), "[core]\n\thooksPath = .husky\n");
    Path admin = Files.createDirectories(ws.resolve(".git/worktrees/wt"));
    Path wt = Files.createDirectories(ws.resolve("elsewhere/wt"));
    Files.writeString(admin.resolve("HEAD"), "ref: refs/heads/b\n");
    Files.writeString(admin.resolve("commondir"), "../..\n");
    Files.writeString(admin.resolve("gitdir"), wt.resolve(".git") + "\n");
    Files.writeString(wt.resolve(".git"), "gitdir: " + admin + "\n");
    Path husky = Files.createDirectories(wt.resolve(".husky"));
    runStarts();
    Files.writeString(husky.resolve("pre-commit"), "#!/bin/sh\ntouch x\n");
    sweep();
    assertThat(names(husky)).doesNotContain("pre-commit");
  }

  // ---- F7: the walk visits what changed first and names what it did not reach

  @Test
  void pastTheEntryLimitWhatChangedWasVisitedFirstAndTheRestIsNamed() throws Exception {
    for (int i = 0; i < 30; i++) {
      Files.createDirectories(ws.resolve("old" + i + "/deeper"));
    }
    runStarts();
    Path sub = repo(ws.resolve("zz/sub/.git"), FSMONITOR);
    GitSweep.Outcome o = sweep(60); // fewer than the 100 or so entries in the workspace
    assertThat(Files.readString(sub.resolve("config"))).doesNotContain("fsmonitor");
    assertThat(o.failures())
        .singleElement()
        .asString()
        .contains("were not checked (none of them changed during the run)");
  }
}
