package io.sandbox4j.cli;

import io.sandbox4j.core.OutputListener;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The caller's standard error, as {@code run} hands the command's own to it. */
final class CallerStderr {
  private CallerStderr() {}

  /** Descriptor 2 itself: each chunk is written at once, unbuffered and unchanged. */
  private static final OutputStream FD2 = new FileOutputStream(FileDescriptor.err);

  /** Writes the command's standard error to the caller's as it arrives. */
  static final OutputListener PASS_THROUGH =
      new OutputListener() {
        @Override
        public void stderr(byte[] chunk) {
          try {
            FD2.write(chunk);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /**
   * Whether descriptor 2 is a terminal (Linux: /proc/self/fd/2 names a tty). Then the command keeps
   * it, so programs that check isatty(2) behave as they do outside the sandbox, and no denial is
   * inferred.
   */
  static boolean isTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/")
          || target.startsWith("/dev/tty")
          || target.startsWith("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null; // not Linux: the JVM's own guess
    }
  }
}
