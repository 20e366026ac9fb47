package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.backend.namespaces.FilesystemMounts.Missing;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * After a run, moves aside whatever the command created at protected paths that did not exist at
 * launch (a mount cannot protect a path that does not exist). The entry is renamed in its own
 * directory to {@code <name>.sandbox4j-quarantine-<UTC timestamp>}: never deleted, so nothing is
 * lost, and git no longer finds it under the protected name. Each move is logged as a warning
 * through {@link System.Logger} (there is no other diagnostics channel from a cleanup) and
 * returned.
 *
 * <p>Walking from the root, a path that did not exist at launch and is now a symbolic link or a
 * non-directory on the way (a {@code .git} file or link redirecting git elsewhere) is moved aside
 * itself; otherwise the protected path is. The walk uses directory file descriptors without
 * following links ({@link SecureDirectoryStream}), so a concurrent rename cannot redirect a move.
 *
 * <p>It must run when every process of the run is dead ({@code LaunchSpec.onCleanup}). Residual
 * risk: while the command runs, git on the host can see what it created (e.g. a {@code
 * .git/commondir}); a JVM killed with SIGKILL never runs the cleanup; something the user created
 * there during the run is moved aside as well (and reported).
 */
final class Quarantine {
  static final String SUFFIX = ".sandbox4j-quarantine-";
  private static final Logger LOG = System.getLogger(Quarantine.class.getName());
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_NAMES = 100;

  private final List<Missing> missing;
  private final Clock clock;

  Quarantine(List<Missing> missing, Clock clock) {
    this.missing = List.copyOf(missing);
    this.clock = clock;
  }

  boolean isEmpty() {
    return missing.isEmpty();
  }

  /**
   * Moves aside what now exists at the recorded paths.
   *
   * @return one line per moved entry
   * @throws SandboxException after trying every path, naming those that could not be moved
   */
  List<String> sweep() {
    String stamp = STAMP.format(clock.instant());
    List<String> moved = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Missing m : missing) {
      try {
        sweep(m, stamp)
            .ifPresent(
                line -> {
                  LOG.log(Level.WARNING, line);
                  moved.add(line);
                });
      } catch (IOException | RuntimeException e) {
        failed.add(m.path() + ": " + e);
      }
    }
    if (!failed.isEmpty()) {
      String message =
          "could not move aside what the sandboxed command created at protected paths (remove"
              + " them before using git here): "
              + String.join("; ", failed);
      // logged too: the engine may drop a cleanup's exception
      LOG.log(Level.ERROR, message);
      throw SandboxException.cannotSandbox(message);
    }
    return moved;
  }

  private static Optional<String> sweep(Missing m, String stamp) throws IOException {
    Path rel = m.root().relativize(m.path());
    int first = m.root().relativize(m.firstMissing()).getNameCount() - 1;
    DirectoryStream<Path> root;
    try {
      root = Files.newDirectoryStream(m.root());
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty();
    }
    try (root) {
      if (!(root instanceof SecureDirectoryStream<Path> dir)) {
        throw new IOException("this platform cannot walk directories without following links");
      }
      return walk(dir, m.root(), rel, 0, first, stamp);
    }
  }

  private static Optional<String> walk(
      SecureDirectoryStream<Path> dir, Path shown, Path rel, int i, int first, String stamp)
      throws IOException {
    Path name = rel.getName(i);
    Path here = shown.resolve(name);
    BasicFileAttributes a;
    try {
      a =
          dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    boolean last = i == rel.getNameCount() - 1;
    if (i >= first && (last || a.isSymbolicLink() || !a.isDirectory())) {
      Path target = freeName(dir, name, stamp);
      dir.move(name, dir, target);
      return Optional.of(
          "moved "
              + here
              + " aside to "
              + shown.resolve(target)
              + ": the sandboxed command created it where a protected path did not exist");
    }
    if (last || !a.isDirectory()) {
      return Optional.empty(); // existed at launch (so was protected), or not a directory now
    }
    try (SecureDirectoryStream<Path> sub =
        dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
      return walk(sub, here, rel, i + 1, first, stamp);
    }
  }

  private static Path freeName(SecureDirectoryStream<Path> dir, Path name, String stamp)
      throws IOException {
    for (int n = 1; n <= MAX_NAMES; n++) {
      Path candidate = Path.of(name + SUFFIX + stamp + (n == 1 ? "" : "-" + n));
      try {
        dir.getFileAttributeView(candidate, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
      } catch (NoSuchFileException e) {
        return candidate;
      }
    }
    throw new IOException("no free quarantine name for " + name + " after " + MAX_NAMES + " tries");
  }
}
