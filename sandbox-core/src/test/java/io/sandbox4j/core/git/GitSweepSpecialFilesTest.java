package io.sandbox4j.core.git;

import static io.sandbox4j.core.git.GitSweepTest.FSMONITOR;
import static io.sandbox4j.core.git.GitSweepTest.names;
import static io.sandbox4j.core.git.GitSweepTest.repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep never reads through a link or opens a special file: a config or pointer that is a link
 * to {@code /dev/zero}, a FIFO or a huge file is moved aside unread, and the sweep goes on.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "uses /dev/zero and mkfifo, which only Unix has")
class GitSweepSpecialFilesTest {
  @TempDir Path ws;
  @TempDir Path outside;
  @TempDir Path home;
  private Instant threshold;

  @BeforeEach
  void userRepository() throws Exception {
    repo(ws.resolve(".git"), "[core]\n\trepositoryformatversion = 0\n\tbare = false\n");
    Thread.sleep(50);
    threshold = Instant.now();
    Thread.sleep(50);
  }

  private GitSweep.Outcome sweep() {
    return new GitSweep(List.of(ws), threshold, Map.of(), home, Long.MAX_VALUE).run();
  }

  @Test
  void aConfigLinkedToDevZeroIsMovedAsideUnreadAndSiblingsAreStillSwept() throws Exception {
    Files.delete(ws.resolve(".git/config"));
    Files.createSymbolicLink(ws.resolve(".git/config"), Path.of("/dev/zero"));
    Path sub = repo(ws.resolve("sub/.git"), FSMONITOR);
    GitSweep.Outcome o = sweep();
    assertThat(o.failed()).isFalse();
    assertThat(names(ws.resolve(".git"))).doesNotContain("config");
    assertThat(Files.readString(sub.resolve("config"))).doesNotContain("fsmonitor");
  }

  @Test
  void aFifoOrAHugeFileAsConfigOrPointerIsMovedAsideWithoutBeingOpened() throws Exception {
    Files.delete(ws.resolve(".git/config"));
    mkfifo(ws.resolve(".git/config"));
    Path big = repo(ws.resolve("big/.git"), "");
    Files.write(big.resolve("config"), new byte[5 * 1024 * 1024]);
    Files.createDirectories(ws.resolve("p"));
    mkfifo(ws.resolve("p/.git"));
    GitSweep.Outcome o = sweep(); // a FIFO opened for reading would block here forever
    assertThat(o.failed()).isFalse();
    assertThat(names(ws.resolve(".git"))).doesNotContain("config");
    assertThat(names(big)).doesNotContain("config");
    assertThat(names(ws.resolve("p"))).doesNotContain(".git");
  }

  @Test
  void readRegularRefusesLinksSpecialFilesAndOversizedFiles() throws Exception {
    Path link = Files.createSymbolicLink(outside.resolve("l"), Path.of("/dev/zero"));
    Path big = Files.write(outside.resolve("big"), new byte[101]);
    Path ok = Files.write(outside.resolve("ok"), new byte[100]);
    assertThatThrownBy(() -> GitSweep.readRegular(link, 100))
        .isInstanceOf(GitSweep.NotRegular.class);
    assertThatThrownBy(() -> GitSweep.readRegular(Path.of("/dev/zero"), 100))
        .isInstanceOf(GitSweep.NotRegular.class);
    assertThatThrownBy(() -> GitSweep.readRegular(big, 100))
        .isInstanceOf(GitSweep.NotRegular.class);
    assertThat(GitSweep.readRegular(ok, 100)).hasSize(100);
  }

  @Test
  void readRegularReadsPastTheSizeTheFileHadWhenExaminedUpToTheCap() throws Exception {
    // a regular file whose size says 0 (as a file growing after the check): the buffer grows
    Path status = Path.of("/proc/self/status");
    assertThat(Files.size(status)).isZero();
    byte[] read = GitSweep.readRegular(status, 1 << 20);
    assertThat(new String(read, java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("Name:")
        .contains("\nPid:");
    assertThatThrownBy(() -> GitSweep.readRegular(status, 20))
        .isInstanceOf(GitSweep.NotRegular.class)
        .hasMessageContaining("larger than 20 bytes");
  }

  /**
   * The buffer is sized by the file's stated size, not the cap; a file longer than it says (as
   * /proc's, which say 0) is still read whole up to the cap, and refused past it.
   */
  @Test
  void aFileLongerThanItsStatedSizeIsReadWholeUpToTheCap() throws Exception {
    Path mid = Files.write(outside.resolve("mid"), new byte[70_000]);
    assertThat(GitSweep.readRegular(mid, 4 * 1024 * 1024)).hasSize(70_000);
    Path maps = Path.of("/proc/self/maps"); // a JVM's map: well over 4 KiB, stated size 0
    assumeThat(Files.exists(maps)).as("Linux /proc").isTrue();
    assertThat(Files.size(maps)).isZero();
    byte[] read = GitSweep.readRegular(maps, 4 * 1024 * 1024);
    assertThat(read.length).isGreaterThan(8192);
    assertThat(new String(read, java.nio.charset.StandardCharsets.US_ASCII)).endsWith("\n");
    assertThatThrownBy(() -> GitSweep.readRegular(maps, 5000))
        .isInstanceOf(GitSweep.NotRegular.class)
        .hasMessageContaining("larger than 5000 bytes");
  }

  private static void mkfifo(Path p) throws Exception {
    Process pr = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertThat(pr.waitFor()).isZero();
  }
}
