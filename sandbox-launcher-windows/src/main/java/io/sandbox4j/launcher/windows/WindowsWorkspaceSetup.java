package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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
    void apply(AccessGrant grant);

    /**
     * Whether a recorded grant still holds: its path exists and its trustee has (ALLOW) or lacks
     * (DENY) the rights. One ACL read of one object: cheap enough for every command.
     */
    boolean inPlace(AccessGrant grant);

    void revoke(AccessGrant grant);

    void createPlaceholder(Path path) throws IOException;

    void deletePlaceholder(Path path) throws IOException;

    void deleteProfile(String profileName);
  }

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
        WindowsPlanner.hash(workspace.toAbsolutePath().normalize().toString()).substring(0, 32)
            + ".txt");
  }

  /**
   * Makes sure every grant and placeholder is in place, doing only what the record lacks. The first
   * run for a workspace applies the grants (Windows propagates inheritable ACEs to existing
   * children then, once); later runs read the record and return.
   */
  public synchronized void ensure(
      Path workspace, List<AccessGrant> grants, List<Path> placeholders) {
    List<String> record = read(workspace);
    if (record.isEmpty()) {
      record.add("workspace " + workspace.toAbsolutePath().normalize());
    }
    for (Path p : placeholders) {
      String line = "placeholder " + p;
      if (record.contains(line) && !Files.isDirectory(p)) {
        record.remove(line); // deleted since: create it again
      }
      if (!record.contains(line) && !Files.exists(p)) {
        try {
          ops.createPlaceholder(p);
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
      if (record.contains(line) && !ops.inPlace(g)) {
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
        ops.apply(g);
        record.add(line);
        write(workspace, record);
      }
    }
  }

  /** Records that the AppContainer profile exists, so that cleanup deletes it. */
  public synchronized void recordProfile(Path workspace, String profileName) {
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
  public synchronized boolean hasProfile(Path workspace, String profileName) {
    return read(workspace).contains("profile " + profileName);
  }

  /** Undoes every recorded step, last first. See {@link #cleanup(Path)}. */
  public synchronized List<String> revert(Path workspace) {
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
              ops.revoke(g);
            }
          }
          case "placeholder" -> ops.deletePlaceholder(workspace.getFileSystem().getPath(value));
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
