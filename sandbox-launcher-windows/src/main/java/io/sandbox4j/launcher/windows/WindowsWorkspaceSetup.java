package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The one-time, recorded, revertible per-workspace setup of the Windows backends: ACL grants for
 * the sandbox SIDs, read-only placeholders for protected paths that did not exist, and the
 * AppContainer profile. Each step is written to a record file ({@code
 * %LOCALAPPDATA%\sandbox4j\workspaces\<hash>.txt}) as soon as it is done, so {@link #revert(Path)}
 * can undo exactly what was done, even after a crash half-way through.
 *
 * <p>Per command, {@link #ensure} reads the small record file and checks each recorded grant on its
 * own object (a path that was deleted and re-created, e.g. by a fresh clone, has lost its ACE and
 * gets it again); nothing is rewritten when all hold, nothing recursive is done, no profile is
 * created.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WindowsWorkspaceSetup {

  /** The native operations, a seam so that the recording logic is tested on any OS. */
  interface Operations {
    /** SetEntriesInAclW (GRANT_ACCESS or DENY_ACCESS) and SetNamedSecurityInfoW, or the label. */
    void apply(AccessGrant grant);

    /**
     * The DACL of an existing object, explicit and inherited ACEs in ACL order: one
     * GetNamedSecurityInfoW of one object, cheap enough for every command.
     */
    List<Ace> dacl(Path path);

    /** REVOKE_ACCESS for the trustee (its allow entries only), or the label's removal. */
    void revoke(AccessGrant grant);

    /** Deletes the ACEs at {@code indices} (highest first) from the DACL and writes it back. */
    void deleteAces(Path path, List<Integer> indices);

    /** An empty placeholder: a directory, or an empty file when {@code file}. */
    void createPlaceholder(Path path, boolean file) throws IOException;

    /** Deletes a placeholder if it is still empty (else fails, leaving it). */
    void deletePlaceholder(Path path) throws IOException;

    void deleteProfile(String profileName);
  }

  /**
   * Protected names that are directories where they exist (git's and the sandbox's own); every
   * other missing protected path becomes an empty file, because a directory where a tool expects a
   * file ({@code .git\config}) breaks that tool, e.g. a later {@code git init}.
   */
  static final Set<String> DIRECTORY_NAMES =
      Set.of(
          ".git",
          "hooks",
          "info",
          "modules",
          "objects",
          "refs",
          "worktrees",
          ".sandbox4j",
          ".github",
          ".vscode",
          ".idea");

  /** Whether the placeholder for a missing protected {@code path} is an empty file. */
  static boolean placeholderIsFile(Path path) {
    Path name = path.getFileName();
    return name != null && !DIRECTORY_NAMES.contains(name.toString().toLowerCase(Locale.ROOT));
  }

  /**
   * One lock per workspace record in this JVM: a launch makes a new setup object, so locking the
   * object serialised nothing. Other processes are excluded by a file lock beside the record.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path recordDir;
  private final Operations ops;

  WindowsWorkspaceSetup(Path recordDir, Operations ops) {
    this.recordDir = recordDir;
    this.ops = ops;
  }

  /** The setup of the current Windows user, recording under %LOCALAPPDATA%\sandbox4j. */
  public static WindowsWorkspaceSetup forCurrentUser() {
    return new WindowsWorkspaceSetup(
        defaultRecordDir(), new NativeAcls(Win32Libraries.Loaded.load()));
  }

  /**
   * Reverts every grant, placeholder and profile recorded for {@code workspace} by the current
   * user's setup (for {@code sandbox cleanup}). Returns what was undone, one line each.
   *
   * @throws SandboxException (exit 125) listing the steps that could not be undone; they stay in
   *     the record so a later cleanup can retry them
   */
  public static List<String> cleanup(Path workspace) {
    return forCurrentUser().revert(workspace);
  }

  static Path defaultRecordDir() {
    String local = System.getenv("LOCALAPPDATA");
    if (local == null || local.isBlank()) {
      throw SandboxException.cannotSandbox(
          "LOCALAPPDATA is not set: the Windows sandbox records its workspace setup under"
              + " %LOCALAPPDATA%\\sandbox4j");
    }
    return Path.of(local, "sandbox4j", "workspaces");
  }

  Path recordFile(Path workspace) {
    return recordDir.resolve(
        WindowsPlanner.hash(WindowsPlanner.workspaceKey(workspace)).substring(0, 32) + ".txt");
  }

  /**
   * Makes sure every grant and placeholder is in place, doing only what the record lacks. The first
   * run for a workspace applies the grants (Windows propagates inheritable ACEs to existing
   * children then, once); later runs read the record and return.
   */
  public void ensure(Path workspace, List<AccessGrant> grants, List<Path> placeholders) {
    locked(
        workspace,
        () -> {
          ensureLocked(workspace, grants, placeholders);
          return null;
        });
  }

  private void ensureLocked(Path workspace, List<AccessGrant> grants, List<Path> placeholders) {
    List<String> record = read(workspace);
    if (record.isEmpty()) {
      record.add("workspace " + workspace.toAbsolutePath().normalize());
    }
    for (Path p : placeholders) {
      boolean file = placeholderIsFile(p);
      String line = (file ? "placeholder-file " : "placeholder ") + p;
      if (record.contains(line) && !(file ? Files.isRegularFile(p) : Files.isDirectory(p))) {
        record.remove(line); // deleted since: create it again
      }
      if (!record.contains(line) && !Files.exists(p)) {
        try {
          ops.createPlaceholder(p, file);
        } catch (IOException e) {
          throw SandboxException.cannotSandbox(
              "cannot create protected placeholder " + p + ": " + e.getMessage(), e);
        }
        record.add(line);
        write(workspace, record);
      }
    }
    for (AccessGrant g : grants) {
      String line = "grant " + g.toRecord();
      if (record.contains(line) && !inPlace(g)) {
        record.remove(line); // the object lost its ACE (deleted and re-created): apply again
      }
      if (!record.contains(line)) {
        if (!Files.exists(g.path())) {
          if (g.mode() == AccessGrant.Mode.DENY) {
            throw SandboxException.cannotSandbox(
                "protected path "
                    + g.path()
                    + " does not exist and has no placeholder: cannot"
                    + " place its deny ACE");
          }
          throw SandboxException.cannotSandbox(
              "writable root "
                  + g.path()
                  + " does not exist: create it or remove it from the"
                  + " policy");
        }
        if (g.mode() == AccessGrant.Mode.LOW_INTEGRITY_LABEL || !inPlace(g)) {
          ops.apply(g); // a grant already there (e.g. a lost record) is only recorded
        }
        record.add(line);
        write(workspace, record);
      }
    }
  }

  /**
   * Whether a recorded grant still holds on its object: the object exists and its DACL has the
   * grant's explicit ACE ({@link Ace#holds}). A label survives with its object (a re-created object
   * fails its ACE checks and gets both again).
   */
  private boolean inPlace(AccessGrant g) {
    if (!Files.exists(g.path())) {
      return false;
    }
    if (g.mode() == AccessGrant.Mode.LOW_INTEGRITY_LABEL) {
      return true;
    }
    return Ace.holds(ops.dacl(g.path()), g);
  }

  /**
   * Runs {@code body} holding the workspace's lock: one thread of this JVM at a time (whatever
   * setup object it uses), and one process at a time through a file lock beside the record.
   */
  private <T> T locked(Path workspace, Supplier<T> body) {
    Path record = recordFile(workspace);
    ReentrantLock lock = LOCKS.computeIfAbsent(record, k -> new ReentrantLock());
    lock.lock();
    try {
      Files.createDirectories(record.getParent());
      Path lockFile = record.resolveSibling(record.getFileName() + ".lock");
      try (FileChannel ch =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = ch.lock()) {
        adoptLegacyRecord(workspace);
        return body.get();
      }
    } catch (IOException e) {
      throw SandboxException.cannotSandbox(
          "cannot lock the workspace record " + record + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Records that the AppContainer profile exists, so that cleanup deletes it. */
  public void recordProfile(Path workspace, String profileName) {
    locked(
        workspace,
        () -> {
          recordProfileLocked(workspace, profileName);
          return null;
        });
  }

  private void recordProfileLocked(Path workspace, String profileName) {
    List<String> record = read(workspace);
    if (record.isEmpty()) {
      record.add("workspace " + workspace.toAbsolutePath().normalize());
    }
    String line = "profile " + profileName;
    if (!record.contains(line)) {
      record.add(line);
      write(workspace, record);
    }
  }

  /** Whether the record already lists this profile. */
  public boolean hasProfile(Path workspace, String profileName) {
    return locked(workspace, () -> read(workspace).contains("profile " + profileName));
  }

  /** Undoes every recorded step, last first. See {@link #cleanup(Path)}. */
  public List<String> revert(Path workspace) {
    return locked(workspace, () -> revertLocked(workspace));
  }

  private List<String> revertLocked(Path workspace) {
    List<String> record = read(workspace);
    List<String> done = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<String> remaining = new ArrayList<>(record);
    for (int i = record.size() - 1; i >= 0; i--) {
      String line = record.get(i);
      int space = line.indexOf(' ');
      String kind = line.substring(0, space);
      String value = line.substring(space + 1);
      try {
        switch (kind) {
          case "grant" -> {
            AccessGrant g = AccessGrant.fromRecord(value, workspace.getFileSystem());
            if (Files.exists(g.path())) { // a deleted object took its ACE with it
              if (g.mode() == AccessGrant.Mode.DENY) {
                // REVOKE_ACCESS removes allow and audit entries only: delete the denials.
                ops.deleteAces(g.path(), Ace.explicitDenials(ops.dacl(g.path()), g));
              } else {
                ops.revoke(g);
              }
            }
          }
          case "placeholder", "placeholder-file" ->
              ops.deletePlaceholder(workspace.getFileSystem().getPath(value));
          case "profile" -> ops.deleteProfile(value);
          case "workspace" -> {
            continue;
          }
          default -> throw new IllegalStateException("unknown record line '" + line + "'");
        }
        done.add(line);
        remaining.remove(line);
      } catch (IOException | RuntimeException e) {
        failed.add(line + ": " + e.getMessage());
      }
    }
    if (failed.isEmpty()) {
      try {
        Files.deleteIfExists(recordFile(workspace));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.copyOf(done);
    }
    write(workspace, remaining);
    throw SandboxException.cannotSandbox(
        "cleanup of " + workspace + " left " + failed.size() + " step(s) in place: " + failed);
  }

  /**
   * Renames a record made before workspaces were keyed by {@link WindowsPlanner#workspaceKey} (its
   * file name hashed the path as spelled) to the current name, so that cleanup still reverts what
   * it lists (grants for the SID and the profile derived from that spelling).
   */
  private void adoptLegacyRecord(Path workspace) throws IOException {
    Path current = recordFile(workspace);
    Path legacy =
        recordDir.resolve(
            WindowsPlanner.hash(workspace.toAbsolutePath().normalize().toString()).substring(0, 32)
                + ".txt");
    if (!legacy.equals(current) && Files.exists(legacy) && !Files.exists(current)) {
      Files.move(legacy, current, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Creates an empty placeholder directory, or an empty file, with its missing parents. */
  static void createPlaceholderOnDisk(Path path, boolean file) throws IOException {
    if (file) {
      Files.createDirectories(path.getParent());
      Files.createFile(path);
    } else {
      Files.createDirectories(path);
    }
  }

  /** Deletes a placeholder only if it is still empty: the user may have put something there. */
  static void deletePlaceholderOnDisk(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    if (Files.isDirectory(path)) {
      try (var s = Files.list(path)) {
        if (s.findAny().isPresent()) {
          throw new IOException(path + " is no longer empty; left in place");
        }
      }
    } else if (Files.size(path) > 0) {
      throw new IOException(path + " is no longer empty; left in place");
    }
    Files.delete(path);
  }

  List<String> read(Path workspace) {
    Path f = recordFile(workspace);
    try {
      return Files.exists(f)
          ? new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8))
          : new ArrayList<>();
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot read workspace record " + f + ": " + e, e);
    }
  }

  private void write(Path workspace, List<String> record) {
    Path f = recordFile(workspace);
    try {
      Files.createDirectories(f.getParent());
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.write(tmp, record, StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot write workspace record " + f + ": " + e, e);
    }
  }
}
