package io.sandbox4j.core.changes;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.EphemeralWorkspace;
import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The change sets of one user: {@code $XDG_CACHE_HOME/sandbox4j/changes/ID} (else {@code
 * ~/.cache/...}), each directory 0700 and owned by the user, holding {@code changeset.properties}
 * (written before the run: workspace, start time, protected names), {@code upper/} and {@code
 * work/}. Never inside a writable root of a run (the engine refuses that).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ChangeSets {
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String META = "changeset.properties";

  /**
   * Subtracted from the run's start: file times come from the kernel's coarse clock, which lags the
   * JVM's by a few milliseconds; a real change just before the run counts as a conflict, never the
   * reverse.
   */
  static final Duration CLOCK_MARGIN = Duration.ofMillis(50);

  private final Path root;

  public ChangeSets(Path root) {
    this.root = root;
  }

  /** The store of the user whose environment this is ({@code XDG_CACHE_HOME}, {@code HOME}). */
  public static ChangeSets forUser(Map<String, String> environment) {
    String xdg = environment.get("XDG_CACHE_HOME");
    Path cache;
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      cache = Path.of(xdg);
    } else {
      String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
      cache =
          Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home)
              .resolve(".cache");
    }
    return new ChangeSets(cache.resolve("sandbox4j").resolve("changes"));
  }

  /** The directory holding every change set. */
  public Path root() {
    return root;
  }

  /** A new, empty change set over {@code workspace}, its record written before anything runs. */
  public ChangeSet create(Path workspace, List<String> protectedNames) {
    try {
      Path ws = workspace.toRealPath();
      privateDirs();
      for (int attempt = 0; ; attempt++) {
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        String id = ID_TIME.format(Instant.now()) + "-" + HexFormat.of().formatHex(r);
        Path dir = root.resolve(id);
        try {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
        } catch (java.nio.file.FileAlreadyExistsException e) {
          if (attempt > 10) {
            throw e;
          }
          continue;
        }
        Files.createDirectory(dir.resolve("upper"), PosixFilePermissions.asFileAttribute(PRIVATE));
        Files.createDirectory(dir.resolve("work"), PosixFilePermissions.asFileAttribute(PRIVATE));
        Instant started = Instant.now().minus(CLOCK_MARGIN);
        Properties p = new Properties();
        p.setProperty("id", id);
        p.setProperty("workspace", ws.toString());
        p.setProperty("started", started.toString());
        for (int i = 0; i < protectedNames.size(); i++) {
          p.setProperty("protected." + i, protectedNames.get(i));
        }
        Path tmp = dir.resolve(META + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          p.store(out, "sandbox4j change set");
        }
        Files.move(tmp, dir.resolve(META), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new ChangeSet(id, dir, ws, started, protectedNames);
      }
    } catch (IOException e) {
      throw SandboxException.cannotSandbox(
          "cannot create a change set under "
              + root
              + ": "
              + e
              + " (set XDG_CACHE_HOME to a private writable directory)",
          e);
    }
  }

  /**
   * The change set {@code id}.
   *
   * @throws SandboxException exit 2 for a malformed or unknown id
   */
  public ChangeSet get(String id) {
    EphemeralWorkspace.checkId(id);
    Path dir = root.resolve(id);
    if (!Files.isRegularFile(dir.resolve(META), LinkOption.NOFOLLOW_LINKS)) {
      throw SandboxException.invalid(
          "no change set " + id + " in " + root + " (`sandbox changes list` shows them)");
    }
    return load(dir);
  }

  private ChangeSet load(Path dir) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve(META), LinkOption.NOFOLLOW_LINKS)) {
      // the record says where apply writes: only one this user keeps, never another user's (a
      // root shell with that user's HOME, say) or one reached through a link
      for (Path x : List.of(root, dir, dir.resolve(META), dir.resolve("upper"))) {
        if (Files.isSymbolicLink(x)) {
          throw new IOException(x + " is a link");
        }
        requireOwnedByThisUser(x);
      }
      p.load(in);
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot read change set " + dir + ": " + e, e);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; p.getProperty("protected." + i) != null; i++) {
      names.add(p.getProperty("protected." + i));
    }
    String ws = p.getProperty("workspace");
    String started = p.getProperty("started");
    if (ws == null
        || started == null
        || !dir.getFileName().toString().equals(p.getProperty("id"))) {
      throw SandboxException.cannotSandbox(
          "change set record " + dir.resolve(META) + " is damaged");
    }
    return new ChangeSet(
        dir.getFileName().toString(), dir, Path.of(ws), Instant.parse(started), names);
  }

  /** Every change set, oldest first (ids sort by creation time). */
  public List<ChangeSet> list() {
    List<ChangeSet> all = new ArrayList<>();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return all;
    }
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
      s.forEach(dirs::add);
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot list " + root + ": " + e, e);
    }
    dirs.sort(null);
    for (Path d : dirs) {
      if (Files.isRegularFile(d.resolve(META), LinkOption.NOFOLLOW_LINKS)) {
        all.add(load(d));
      }
    }
    return all;
  }

  /** Discards the change sets over {@code workspace}; one line per change set removed. */
  public List<String> cleanup(Path workspace) {
    Path ws;
    try {
      ws = workspace.toRealPath();
    } catch (IOException e) {
      ws = workspace.toAbsolutePath().normalize();
    }
    List<String> done = new ArrayList<>();
    for (ChangeSet c : list()) {
      if (c.workspace().equals(ws)) {
        String summary;
        try {
          summary = c.summary();
        } catch (SandboxException e) {
          summary = "unreadable: " + e.getMessage();
        }
        try {
          c.discard();
          done.add("discarded change set " + c.id() + " (" + summary + ")");
        } catch (SandboxException e) {
          // in use by a run: named, and the others are still cleaned up
          done.add("kept change set " + c.id() + ": " + e.getMessage());
        }
      }
    }
    return done;
  }

  /** sandbox4j/ and changes/: real directories of this user, 0700. */
  private void privateDirs() throws IOException {
    Files.createDirectories(root.getParent().getParent());
    for (Path d : List.of(root.getParent(), root)) {
      if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PRIVATE));
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // created concurrently; checked below
        }
      }
      if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(d + " is not a directory");
      }
      requireOwnedByThisUser(d);
      if (!Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE)) {
        Files.setPosixFilePermissions(d, PRIVATE);
      }
    }
  }

  private static void requireOwnedByThisUser(Path p) throws IOException {
    String owner = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
    if (!owner.equals(System.getProperty("user.name"))) {
      throw new IOException(p + " is owned by " + owner + ", not by this user");
    }
  }
}
