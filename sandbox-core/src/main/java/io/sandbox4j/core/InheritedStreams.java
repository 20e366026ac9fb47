package io.sandbox4j.core;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.Redirects;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses a standard stream inherited from the caller that is an open directory ({@code sandbox run
 * ... < ~}). Through such a descriptor the command opens files beneath the directory ({@code
 * openat(0, ...)}, {@code /proc/self/fd/0/...}) as the caller's mount namespace sees them, past the
 * mounts that hide the private home, the private tmp and masked paths. A directory is no use as a
 * stream (reading it fails with EISDIR), so nothing legitimate is lost.
 */
final class InheritedStreams {
  private static final List<String> NAMES = List.of("input", "output", "error");

  private InheritedStreams() {}

  /**
   * Checks the streams a started process inherits, as {@code fdDir} shows them ({@code
   * /proc/self/fd}, or the engine client's {@code /proc/PID/fd}).
   */
  static void check(Path fdDir, Redirects streams) {
    List<Redirect> redirects = List.of(streams.stdin(), streams.stdout(), streams.stderr());
    for (int fd = 0; fd < redirects.size(); fd++) {
      if (redirects.get(fd).type() != Redirect.Type.INHERIT) {
        continue;
      }
      Path link = fdDir.resolve(Integer.toString(fd));
      if (Files.isDirectory(link)) {
        throw SandboxException.cannotSandbox(
            "standard "
                + NAMES.get(fd)
                + " is the directory "
                + target(link)
                + ": the command could open every file beneath it, past the sandbox's view of the"
                + " filesystem; redirect it from a file or /dev/null instead");
      }
    }
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return link.toString();
    }
  }
}
