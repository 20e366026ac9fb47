package io.sandbox4j.core.changes;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.core.changes.Change.Kind;
import io.sandbox4j.core.changes.Change.Type;
import io.sandbox4j.core.git.GitSweep;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The copy-on-write layer one ephemeral run (or several, with {@code --on}) wrote: list it, diff it
 * against the real workspace, apply it, or discard it. Kept under the user's cache ({@link
 * ChangeSets}) until applied or discarded, so it survives a crash of the sandbox.
 *
 * <p>{@link #apply} checks everything before writing anything: a path under a protected location
 * (git internals, hooks, the sandbox's own {@code .sandbox4j}, the run's protected names) is
 * refused unless explicitly allowed, and so is any path whose real file changed since the run
 * started (a conflict: its ctime is at or after the run's start, or it appeared or vanished). Then
 * each file is written to a temporary name in its directory and renamed over the target.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ChangeSet {
  /** The exit code of an apply refused for protected paths or conflicts (nothing written). */
  public static final int EXIT_REFUSED = 1;

  /** Files larger than this are named in a diff, not shown (like binary ones). */
  static final long MAX_DIFF_BYTES = 8L * 1024 * 1024;

  private final String id;
  private final Path directory;
  private final Path workspace;
  private final Instant started;
  private final List<String> protectedNames;
  private Closeable runHold;

  ChangeSet(
      String id, Path directory, Path workspace, Instant started, List<String> protectedNames) {
    this.id = id;
    this.directory = directory;
    this.workspace = workspace;
    this.started = started;
    this.protectedNames = List.copyOf(protectedNames);
  }

  public String id() {
    return id;
  }

  /** The real workspace the layer lies over. */
  public Path workspace() {
    return workspace;
  }

  /** When the first run on this layer started: real files changed since then are conflicts. */
  public Instant started() {
    return started;
  }

  /** The change set's own directory (metadata, {@code upper/}, {@code work/}). */
  public Path directory() {
    return directory;
  }

  /** Where the command's writes landed. */
  public Path upper() {
    return directory.resolve("upper");
  }

  Path work() {
    return directory.resolve("work");
  }

  /** Every change, sorted by path. */
  public List<Change> changes() {
    try {
      return LayerReader.read(upper(), workspace);
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot read change set " + id + ": " + e, e);
    }
  }

  /** "added 1, changed 2, deleted 3, 456 bytes" (entries; bytes of new content). */
  public String summary() {
    return summary(changes());
  }

  static String summary(List<Change> changes) {
    long[] n = new long[3];
    long bytes = 0;
    for (Change c : changes) {
      n[c.kind().ordinal()]++;
      if (c.kind() != Kind.DELETED) {
        bytes += c.size();
      }
    }
    return "added " + n[0] + ", changed " + n[1] + ", deleted " + n[2] + ", " + bytes + " bytes";
  }

  /** Per file: "+added -removed path" (lines; "binary" for binary files), then the summary. */
  public String stat() {
    StringBuilder sb = new StringBuilder();
    List<Change> changes = changes();
    for (Change c : changes) {
      if (c.type() == Type.DIRECTORY) {
        sb.append(c).append('\n');
        continue;
      }
      List<String> a = c.kind() == Kind.ADDED ? List.of() : lines(workspace, c);
      List<String> b = c.kind() == Kind.DELETED ? List.of() : lines(upper(), c);
      if (a == null || b == null) {
        sb.append(c).append(" (binary)\n");
      } else {
        int[] s = UnifiedDiff.stat(a, b);
        sb.append(c).append(" +").append(s[1]).append(" -").append(s[0]).append('\n');
      }
    }
    return sb.append(summary(changes)).append('\n').toString();
  }

  /**
   * A unified diff of the real workspace ({@code a/}) against the layer ({@code b/}); binary files
   * are named, not shown; symbolic links show their target; mode changes as git prints them.
   */
  public String diff() {
    StringBuilder sb = new StringBuilder();
    for (Change c : changes()) {
      if (c.type() == Type.DIRECTORY) {
        if (c.kind() != Kind.CHANGED) {
          sb.append(c.kind() == Kind.ADDED ? "new" : "deleted")
              .append(" directory ")
              .append(Change.quote(c.path()))
              .append('\n');
        }
        continue;
      }
      sb.append("diff --git ")
          .append(Change.quote("a/" + c.path()))
          .append(' ')
          .append(Change.quote("b/" + c.path()))
          .append('\n');
      Integer oldMode = c.kind() == Kind.ADDED ? null : mode(workspace.resolve(c.path()));
      Integer newMode = c.kind() == Kind.DELETED ? null : mode(upper().resolve(c.path()));
      if (oldMode == null) {
        sb.append("new file mode ").append(Integer.toOctalString(newMode)).append('\n');
      } else if (newMode == null) {
        sb.append("deleted file mode ").append(Integer.toOctalString(oldMode)).append('\n');
      } else if (!oldMode.equals(newMode)) {
        sb.append("old mode ").append(Integer.toOctalString(oldMode)).append('\n');
        sb.append("new mode ").append(Integer.toOctalString(newMode)).append('\n');
      }
      List<String> a = c.kind() == Kind.ADDED ? List.of() : lines(workspace, c);
      List<String> b = c.kind() == Kind.DELETED ? List.of() : lines(upper(), c);
      String from = c.kind() == Kind.ADDED ? "/dev/null" : Change.quote("a/" + c.path());
      String to = c.kind() == Kind.DELETED ? "/dev/null" : Change.quote("b/" + c.path());
      if (a == null || b == null) {
        sb.append("Binary files ").append(from).append(" and ").append(to).append(" differ\n");
        continue;
      }
      List<String> hunks = UnifiedDiff.hunks(a, b);
      if (!hunks.isEmpty()) {
        sb.append("--- ").append(from).append('\n').append("+++ ").append(to).append('\n');
        hunks.forEach(h -> sb.append(h).append('\n'));
      }
    }
    return sb.toString();
  }

  /** The mode as git prints it: a link is 120000 whatever its permission bits. */
  private static Integer mode(Path p) {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & LayerReader.S_IFMT) == LayerReader.S_IFLNK ? LayerReader.S_IFLNK : mode;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text's lines, a link's target as one line, or null for binary (NUL or not UTF-8). */
  private static List<String> lines(Path root, Change c) {
    Path p = root.resolve(c.path());
    try {
      if (Files.isSymbolicLink(p)) {
        return List.of("-> " + Files.readSymbolicLink(p));
      }
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) > MAX_DIFF_BYTES) {
        return null; // a huge (say sparse) file is named like a binary one, never read whole
      }
      byte[] bytes = Files.readAllBytes(p);
      for (byte x : bytes) {
        if (x == 0) {
          return null;
        }
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
      if (text.isEmpty()) {
        return List.of();
      }
      List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
      if (text.endsWith("\n")) {
        lines.remove(lines.size() - 1);
      } else {
        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + "\n\\ No newline at end of file");
      }
      return lines;
    } catch (CharacterCodingException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The changed paths under a protected location: a {@code .git} or {@code .sandbox4j} entry or
   * anything beneath one, a hooks directory of a hook manager ({@code .husky}), the run's protected
   * names and {@link FilesystemPolicy#DEFAULT_PROTECTED_NAMES}, anything in a directory git takes
   * for a git directory (in the real tree or the layer; a bare repository, say), and anything in a
   * directory a {@code core.hooksPath} names ({@link HookDirs}).
   */
  public List<String> protectedPaths() {
    return protectedPaths(changes());
  }

  private List<String> protectedPaths(List<Change> changes) {
    Set<String> names = new LinkedHashSet<>(FilesystemPolicy.DEFAULT_PROTECTED_NAMES);
    names.addAll(protectedNames);
    Map<String, Boolean> gitDirs = new HashMap<>();
    String home = System.getenv("HOME");
    HookDirs hooks =
        new HookDirs(
            workspace,
            System.getenv(),
            Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home")));
    List<String> hits = new ArrayList<>();
    for (Change c : changes) {
      if (isProtected(c.path(), c.type() == Type.DIRECTORY, gitDirs, names)
          || hooks.covers(c.path())) {
        hits.add(c.path());
      }
    }
    return hits;
  }

  private boolean isProtected(
      String path, boolean directory, Map<String, Boolean> gitDirs, Set<String> names) {
    for (String n : names) {
      if (path.equals(n) || path.startsWith(n + "/")) {
        return true;
      }
    }
    String prefix = "";
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.equals(".git") || part.equals(".sandbox4j") || part.equals(".husky")) {
        return true;
      }
      prefix = prefix.isEmpty() ? part : prefix + "/" + part;
      if (i == parts.length - 1 && !directory) {
        break; // a file is not a git directory; its directories were checked
      }
      if (GitSweep.isGitDir(workspace.resolve(prefix))
          || GitSweep.isGitDir(upper().resolve(prefix))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The conflicts: changed paths whose real entry changed since the run started (its ctime at or
   * after {@link #started()}), or appeared (an addition whose path now exists) or vanished (a
   * change or deletion whose real entry is gone).
   */
  public List<String> conflicts() {
    return conflicts(changes());
  }

  private List<String> conflicts(List<Change> changes) {
    Set<String> deleted = new LinkedHashSet<>();
    changes.stream().filter(c -> c.kind() == Kind.DELETED).forEach(c -> deleted.add(c.path()));
    List<String> conflicts = new ArrayList<>();
    for (Change c : changes) {
      Path real = workspace.resolve(c.path());
      try {
        Map<String, Object> a = LayerReader.lstat(real);
        if (c.kind() == Kind.ADDED) {
          if (a != null && !deleted.contains(c.path())) {
            conflicts.add(Change.quote(c.path()) + " (created since the run started)");
          }
        } else if (a == null) {
          conflicts.add(Change.quote(c.path()) + " (removed since the run started)");
        } else if (!((FileTime) a.get("ctime")).toInstant().isBefore(started)) {
          conflicts.add(Change.quote(c.path()) + " (changed since the run started)");
        }
      } catch (IOException e) {
        conflicts.add(Change.quote(c.path()) + " (" + e + ")");
      }
    }
    return conflicts;
  }

  /**
   * Writes the change set into the real workspace, then discards it. Refuses (exit {@link
   * #EXIT_REFUSED}, nothing written) when a path is protected and {@code allowProtected} is false,
   * or when any path conflicts.
   *
   * @return the changes applied
   */
  public List<Change> apply(boolean allowProtected) {
    try (Closeable held = lock("applied")) {
      return applyLocked(allowProtected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Change> applyLocked(boolean allowProtected) {
    List<Change> changes = changes();
    List<String> refused = new ArrayList<>();
    if (!allowProtected) {
      List<String> p = protectedPaths(changes);
      if (!p.isEmpty()) {
        refused.add(
            "protected paths (pass --allow-protected to apply them):\n  "
                + String.join("\n  ", p.stream().map(Change::quote).toList()));
      }
    }
    List<String> others =
        changes.stream()
            .filter(c -> c.type() == Type.OTHER && c.kind() != Kind.DELETED)
            .map(c -> Change.quote(c.path()))
            .toList();
    if (!others.isEmpty()) {
      refused.add(
          "not a file, directory or link (a FIFO, socket or device is never applied):\n  "
              + String.join("\n  ", others));
    }
    List<String> conflicts = conflicts(changes);
    if (!conflicts.isEmpty()) {
      refused.add(
          "conflicts (the real file changed since the run started):\n  "
              + String.join("\n  ", conflicts));
    }
    if (!refused.isEmpty()) {
      throw new SandboxException(
          EXIT_REFUSED,
          "change set " + id + " not applied, nothing was written: " + String.join("\n", refused));
    }
    try {
      new LayerApplier(upper(), workspace).apply(changes);
    } catch (IOException e) {
      throw SandboxException.cannotSandbox(
          "applying change set " + id + " failed part way (the change set is kept): " + e, e);
    }
    remove();
    return changes;
  }

  /** Removes the layer and its record; the real workspace is not touched. */
  public void discard() {
    try (Closeable held = lock("discarded")) {
      remove();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Holds the change set for one user of its layer: a run writing it (the overlay's upper and work
   * directories are not to be shared), an apply, a discard. Another one meanwhile is refused (exit
   * {@link #EXIT_REFUSED}, nothing done): an apply must not read a layer a {@code run --on} is
   * still writing. A lock on {@code lock} in the change set's directory, released on close (or when
   * the process holding it ends).
   *
   * @param what what the refused caller wanted, for the message ("applied", "continued")
   */
  /**
   * Holds the change set for the run writing its layer ({@link #lock}), until {@link
   * #releaseRun()}: the engine releases it as soon as the run's tree has ended, so that the caller
   * can apply or discard the result before closing the execution.
   */
  public synchronized void holdForRun() {
    if (runHold == null) {
      runHold = lock("continued");
    }
  }

  /** Releases what {@link #holdForRun()} took; a second call does nothing. */
  public synchronized void releaseRun() {
    if (runHold != null) {
      try {
        runHold.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        runHold = null;
      }
    }
  }

  public Closeable lock(String what) {
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              directory.resolve("lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null; // held in this process
      }
      if (l == null) {
        ch.close();
        throw new SandboxException(
            EXIT_REFUSED,
            "change set "
                + id
                + " is in use (a run with --on "
                + id
                + ", an apply or a discard): not "
                + what
                + ", nothing was done; try again when it ends");
      }
      return ch;
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot lock change set " + id + ": " + e, e);
    }
  }

  private void remove() {
    try {
      removeTree(directory);
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot discard change set " + id + ": " + e, e);
    }
  }

  /**
   * Removes a tree without following links, giving each directory its owner's rights first (the
   * overlay leaves {@code work/work} with mode 000).
   */
  static void removeTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
        for (Path e : entries) {
          removeTree(e);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  @Override
  public String toString() {
    return id + " " + workspace;
  }
}
