package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.Redirects;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attack 13: an inherited standard stream that is a directory is a way past the mounts. */
class InheritedStreamsTest {
  @TempDir Path tmp;

  private Path fds(Path stdin) throws IOException {
    Path fd = Files.createDirectory(tmp.resolve("fd"));
    Path file = Files.writeString(tmp.resolve("out.txt"), "");
    Files.createSymbolicLink(fd.resolve("0"), stdin);
    Files.createSymbolicLink(fd.resolve("1"), file);
    Files.createSymbolicLink(fd.resolve("2"), file);
    return fd;
  }

  @Test
  void anInheritedDirectoryIsRefusedNamingIt() throws IOException {
    Path home = Files.createDirectory(tmp.resolve("home"));
    Path fd = fds(home);
    assertThatThrownBy(() -> InheritedStreams.check(fd, Redirects.INHERIT))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("standard input is the directory " + home)
        .satisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(((SandboxException) e).exitCode())
                    .isEqualTo(125));
  }

  @Test
  void aDirectoryThatIsNotInheritedAndFilesPass() throws IOException {
    Path fd = fds(Files.createDirectory(tmp.resolve("home")));
    assertThatCode(
            () ->
                InheritedStreams.check(
                    fd, new Redirects(Redirect.PIPE, Redirect.INHERIT, Redirect.INHERIT)))
        .doesNotThrowAnyException();
    Path fd2 = tmp.resolve("fd2");
    Files.createDirectory(fd2);
    Files.createSymbolicLink(fd2.resolve("0"), Files.writeString(tmp.resolve("in.txt"), "x"));
    assertThatCode(() -> InheritedStreams.check(fd2, Redirects.INHERIT)).doesNotThrowAnyException();
  }
}
