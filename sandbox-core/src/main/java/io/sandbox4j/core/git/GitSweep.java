package io.sandbox4j.core.git;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.sandbox4j.core.git.GitConfig.Entry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * After a run, leaves every git directory, gitdir pointer and hooks directory inside the writable
 * roots in a state where host git runs nothing the command planted. It runs in the engine, outside
 * the sandbox, as the same user, after every process of the run is dead, whatever backends enforced
 * the run.
 *
 * <ol>
 *   <li>Walk each writable root without following links (at most {@link #MAX_ENTRIES} entries). A
 *       git directory is found by structure, not by name: a directory holding {@code HEAD} and
 *       {@code objects}, {@code refs} or {@code commondir} (a {@code .git} directory, a bare
 *       repository, {@code modules/*}, {@code worktrees/*}, anything a pointer could name). Every
 *       {@code .git} file or link (a gitdir pointer) is collected. A directory the walk cannot read
 *       gets its owner's permissions back (the command may have removed them); if that fails it is
 *       moved aside and the sweep fails.
 *   <li>"Changed during the run": its ctime (or, for a link, its target's) is at or after the run's
 *       start less {@link #CLOCK_MARGIN}. ctime cannot be set by the command; writing, renaming,
 *       linking and chmod all update it. What was not changed is the user's and is left alone.
 *   <li>Each git directory's {@code config} and {@code config.worktree}, and every file they
 *       include inside a writable root, that changed and holds a variable {@link InertKeys} does
 *       not list, is rewritten with the inert variables alone (an unparseable one with a minimal
 *       config); the original is moved aside for review. A changed {@code commondir} or pointer
 *       whose target is not a directory inside a writable root is moved aside. Every hook that
 *       changed (or whose directory changed) in {@code hooks/} and in each directory {@code
 *       core.hooksPath} names (in the repository's configuration or the user's global and system
 *       configuration) is moved aside, except {@code *.sample}.
 *   <li>Names for what is moved aside are chosen after the run with a random suffix, so the command
 *       cannot have prepared them.
 * </ol>
 *
 * <p>Whatever cannot be completed is a failure naming the path; the engine then ends the run with
 * exit 125. Not covered: a host git that runs while the command runs, and a JVM killed before the
 * sweep (the next run's sweep does not see older plants as changed).
 */
@API(status = INTERNAL, since = "0.1")
public final class GitSweep {
  /** The most entries the walk visits across all roots before it gives up (and fails the run). */
  public static final int MAX_ENTRIES = 2_000_000;

  /**
   * Subtracted from the run's start: ctime comes from the kernel's coarse clock (a tick behind the
   * precise one). Filesystems with coarser timestamps or another clock (NFS) are covered by {@link
   * #clockOf}.
   */
  public static final Duration CLOCK_MARGIN = Duration.ofMillis(50);

  static final String DISABLED = ".sandbox4j-disabled-";
  static final String ORIGINAL = ".sandbox4j-original-";
  private static final int MAX_INCLUDE_DEPTH = 10;
  private static final int MAX_POINTER_BYTES = 4096;
  private static final Logger LOG = System.getLogger(GitSweep.class.getName());

  /**
   * What a sweep did and what it could not do.
   *
   * @param notices one line per file sanitized, moved aside or re-permitted
   * @param failures one line per path that could not be made safe; not empty means exit 125
   */
  @API(status = INTERNAL, since = "0.1")
  public record Outcome(List<String> notices, List<String> failures) {
    public Outcome {
      notices = List.copyOf(notices);
      failures = List.copyOf(failures);
    }

    public boolean failed() {
      return !failures.isEmpty();
    }
  }

  private final List<Path> roots;
  private final Instant threshold;
  private final Map<String, String> env;
  private final Path home;
  private final SecureRandom random = new SecureRandom();

  private final List<String> notices = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Set<Path> gitDirs = new LinkedHashSet<>();
  private final List<Path> pointers = new ArrayList<>();
  private final Map<Path, Set<PosixFilePermission>> restore = new LinkedHashMap<>();
  private final Map<Path, List<Entry>> configs = new LinkedHashMap<>();
  private long entries;
  private final long limit;

  /**
   * @param roots the run's writable roots
   * @param runStart when the run started (before the command could write anything), best from
   *     {@link #clockOf}
   * @param env the host's environment (for git's global and system configuration files)
   * @param home the user's home directory
   */
  public GitSweep(List<Path> roots, Instant runStart, Map<String, String> env, Path home) {
    this(roots, runStart.minus(CLOCK_MARGIN), env, home, MAX_ENTRIES);
  }

  /** With an exact threshold and entry limit (tests). */
  GitSweep(List<Path> roots, Instant threshold, Map<String, String> env, Path home, long limit) {
    this.limit = limit;
    List<Path> real = new ArrayList<>();
    for (Path r : roots) {
      try {
        real.add(r.toRealPath());
      } catch (IOException e) {
        // a root that no longer exists holds nothing to sweep
      }
    }
    // a root inside another is walked as part of it
    this.roots =
        real.stream()
            .distinct()
            .filter(r -> real.stream().noneMatch(o -> !o.equals(r) && r.startsWith(o)))
            .toList();
    this.threshold = threshold;
    this.env = Map.copyOf(env);
    this.home = home;
  }

  /**
   * The run's start as each writable root's filesystem records it, for {@link #GitSweep(List,
   * Instant, Map, Path)}: the earliest of {@code now} and the ctime of a file created (and removed)
   * in each root, so that a filesystem with one- or two-second timestamps, or a server with a clock
   * of its own, cannot make the command's writes look older than the run. Call it before the
   * command starts. A root where no file can be created counts with {@code now} less two seconds.
   */
  public static Instant clockOf(List<Path> roots, Instant now) {
    Instant earliest = now;
    for (Path root : roots) {
      Path probe = root.resolve(".sandbox4j-clock-" + HexFormat.of().formatHex(seed()));
      try {
        Files.createFile(probe);
        try {
          FileTime t =
              (FileTime) Files.getAttribute(probe, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
          if (t.toInstant().isBefore(earliest)) {
            earliest = t.toInstant();
          }
        } finally {
          Files.deleteIfExists(probe);
        }
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        Instant fallback = now.minusSeconds(2);
        if (fallback.isBefore(earliest)) {
          earliest = fallback;
        }
      }
    }
    return earliest;
  }

  private static byte[] seed() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** Sweeps once; call it when no process of the run is left. */
  public Outcome run() {
    try {
      for (Path root : roots) {
        walk(root);
      }
    } catch (LimitReached e) {
      fail(
          "the git sweep stopped after "
              + limit
              + " entries in "
              + roots
              + ": git directories beyond them were not checked; use a smaller workspace or"
              + " check them before running git there");
    }
    List<Entry> global = new ArrayList<>();
    for (Path g : globalConfigs()) {
      global.addAll(config(g, 0));
    }
    for (Path p : pointers) {
      pointer(p);
    }
    Deque<Path> queue = new ArrayDeque<>(gitDirs);
    Set<Path> done = new LinkedHashSet<>();
    while (!queue.isEmpty()) {
      Path g = queue.poll();
      if (done.add(g)) {
        try {
          gitDir(g, global, queue);
        } catch (IOException | RuntimeException e) {
          disableWholly(g, e);
        }
      }
    }
    restorePermissions();
    return new Outcome(notices, failures);
  }

  // ---- the walk

  private static final class LimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitReached() {
      super(null, null, false, false);
    }
  }

  private void walk(Path start) {
    try {
      Files.walkFileTree(start, EnumSet.noneOf(java.nio.file.FileVisitOption.class), 4096, visitor);
    } catch (IOException e) {
      fail("cannot walk " + start + ": " + e);
    }
  }

  private final FileVisitor<Path> visitor =
      new FileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          count();
          // by structure; and any .git directory, which `git init` would adopt as it is
          if (isGitDir(dir)
              || dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
            gitDirs.add(dir);
          }
          Path parent = dir.getParent();
          if (parent != null
              && gitDirs.contains(parent)
              && dir.getFileName().toString().equals("objects")) {
            return FileVisitResult.SKIP_SUBTREE; // object storage: nothing git runs
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          count();
          if (file.getFileName().toString().equals(".git")) {
            pointers.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          if (exc instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          unreadable(file, exc);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
          if (exc != null && !(exc instanceof NoSuchFileException)) {
            unreadable(dir, exc);
          }
          return FileVisitResult.CONTINUE;
        }
      };

  private void count() {
    if (++entries > limit) {
      throw new LimitReached();
    }
  }

  /** A directory the walk could not read: give the owner access back, walk it, or move it aside. */
  private void unreadable(Path dir, IOException why) {
    if (restore.containsKey(dir)) {
      fail("cannot read " + dir + " even after restoring its owner's permissions: " + why);
      moveAside(dir, "it could not be read");
      return;
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> open =
          EnumSet.copyOf(mode.isEmpty() ? Set.of(PosixFilePermission.OWNER_READ) : mode);
      open.addAll(
          Set.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));
      boolean changed = changed(dir);
      Files.setPosixFilePermissions(dir, open);
      if (changed) {
        notice(
            "gave the owner back read, write and search permission on "
                + dir
                + " (changed during the run; it was "
                + java.nio.file.attribute.PosixFilePermissions.toString(mode)
                + ")");
        restore.put(dir, open);
      } else {
        restore.put(dir, mode);
      }
    } catch (IOException | UnsupportedOperationException e) {
      fail("cannot read " + dir + " (" + why + ") nor restore its owner's permissions: " + e);
      moveAside(dir, "it could not be read");
      return;
    }
    walk(dir);
  }

  private void restorePermissions() {
    List<Path> dirs = new ArrayList<>(restore.keySet());
    for (int i = dirs.size() - 1; i >= 0; i--) {
      Path d = dirs.get(i);
      try {
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(d, restore.get(d));
        }
      } catch (IOException e) {
        notice("could not restore the permissions of " + d + ": " + e);
      }
    }
  }

  static boolean isGitDir(Path dir) {
    return exists(dir.resolve("HEAD"))
        && (exists(dir.resolve("objects"))
            || exists(dir.resolve("refs"))
            || exists(dir.resolve("commondir")));
  }

  private static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  // ---- git directories

  private void gitDir(Path g, List<Entry> global, Deque<Path> queue) throws IOException {
    List<Entry> entries = new ArrayList<>();
    entries.addAll(config(g.resolve("config"), 0));
    entries.addAll(config(g.resolve("config.worktree"), 0));
    Set<Path> hookDirs = new LinkedHashSet<>();
    hookDirs.add(g.resolve("hooks"));
    Path commondir = g.resolve("commondir");
    if (exists(commondir)) {
      Optional<Path> target = readPointer(commondir, false).map(t -> g.resolve(t).normalize());
      Optional<Path> inside = target.flatMap(this::realInsideRoots);
      if (inside.isPresent()) {
        queue.add(inside.get());
        hookDirs.add(inside.get().resolve("hooks"));
      } else if (changed(commondir)) {
        moveAside(
            commondir,
            "it points to "
                + target.map(Path::toString).orElse("nothing readable")
                + ", not to a directory inside a writable root");
      }
    }
    List<String> hooksPaths = new ArrayList<>();
    for (Entry e : entries) {
      if (isHooksPath(e)) {
        hooksPaths.add(e.value());
      }
    }
    for (Entry e : global) {
      if (isHooksPath(e)) {
        hooksPaths.add(e.value());
      }
    }
    for (String hp : hooksPaths) {
      for (Path base : bases(g, entries)) {
        hookDirs.add(expand(hp, base));
      }
    }
    for (Path h : hookDirs) {
      if (Files.isSymbolicLink(h) && insideRoots(h) && changed(h)) {
        moveAside(h, "a link to a hooks directory the sandboxed command made");
        continue;
      }
      Optional<Path> real = realInsideRoots(h);
      if (real.isPresent()) {
        hooks(real.get());
        Path name = real.get().getFileName();
        if (name != null && name.toString().equals("_") && real.get().getParent() != null) {
          hooks(real.get().getParent()); // husky 9: .husky/_/<hook> runs .husky/<hook>
        }
      }
    }
  }

  private static boolean isHooksPath(Entry e) {
    return e.section().equals("core")
        && e.subsection() == null
        && e.key().equals("hookspath")
        && e.value() != null
        && !e.value().isEmpty();
  }

  /** Where a relative core.hooksPath may be resolved from: the work tree, or the git dir. */
  private static List<Path> bases(Path g, List<Entry> entries) {
    List<Path> out = new ArrayList<>();
    out.add(g);
    if (g.getParent() != null) {
      out.add(g.getParent());
    }
    GitConfig.last(entries, "core", "worktree").ifPresent(w -> out.add(g.resolve(w).normalize()));
    return out;
  }

  private Path expand(String path, Path base) {
    if (path.equals("~") || path.startsWith("~/")) {
      return home.resolve(path.substring(Math.min(2, path.length()))).normalize();
    }
    return base.resolve(path).normalize();
  }

  /** Moves aside every hook in {@code dir} that changed, or all of them if the directory did. */
  private void hooks(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    boolean dirChanged = changed(dir);
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        found.add(p);
      }
    }
    for (Path p : found) {
      String name = p.getFileName().toString();
      if (name.endsWith(".sample")
          || name.contains(DISABLED)
          || name.contains(ORIGINAL)
          || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (dirChanged || changed(p)) {
        moveAside(
            p,
            dirChanged && !changed(p)
                ? "a hook in a hooks directory the sandboxed command changed"
                : "a hook the sandboxed command wrote");
      }
    }
  }

  // ---- configuration files

  /** The entries host git reads from {@code file} and what it includes (after sanitizing). */
  private List<Entry> config(Path file, int depth) {
    Path key = file.toAbsolutePath().normalize();
    List<Entry> cached = configs.get(key);
    if (cached != null) {
      return cached;
    }
    configs.put(key, List.of()); // include cycles end here
    if (!Files.exists(file)) {
      return List.of();
    }
    boolean mine = realInsideRoots(file).isPresent() || insideRoots(key);
    List<Entry> entries;
    try {
      entries = parseFile(file);
    } catch (GitConfig.Syntax | IOException e) {
      entries = null;
    }
    if (mine && changed(file)) {
      if (entries == null || !entries.stream().allMatch(InertKeys::inert)) {
        entries = sanitize(file, entries);
      }
    }
    if (entries == null) {
      configs.put(key, List.of());
      return List.of(); // the user's own unparseable file: git judges it, not us
    }
    List<Entry> all = new ArrayList<>(entries);
    if (depth < MAX_INCLUDE_DEPTH) {
      for (Entry e : entries) {
        if ((e.section().equals("include") || e.section().equals("includeif"))
            && e.key().equals("path")
            && e.value() != null
            && !e.value().isEmpty()) {
          // inside a writable root it is sanitized when changed; outside, only read (for
          // core.hooksPath and further includes)
          all.addAll(config(expand(e.value(), key.getParent()), depth + 1));
        }
      }
    }
    List<Entry> result = List.copyOf(all);
    configs.put(key, result);
    return result;
  }

  private static List<Entry> parseFile(Path file) throws IOException, GitConfig.Syntax {
    return GitConfig.parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Rewrites {@code file} with its inert entries only; the original is moved aside. */
  private List<Entry> sanitize(Path file, List<Entry> parsed) {
    List<Entry> kept;
    String why;
    if (parsed == null) {
      kept = minimal(file);
      why = "it could not be parsed safely; replaced by a minimal configuration";
    } else {
      kept = parsed.stream().filter(InertKeys::inert).toList();
      why =
          "dropped "
              + parsed.stream()
                  .filter(e -> !InertKeys.inert(e))
                  .map(Entry::name)
                  .distinct()
                  .limit(8)
                  .toList();
    }
    Path dir = file.toAbsolutePath().getParent();
    String rand = randomSuffix();
    Path tmp = dir.resolve(".sandbox4j-tmp-" + rand);
    Path original = dir.resolve(file.getFileName() + ORIGINAL + rand);
    try {
      ownerMayWrite(dir);
      Files.writeString(
          tmp,
          GitConfig.format(kept),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      Files.move(file, original);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      // check what git will read now
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || !parseFile(file).stream().allMatch(InertKeys::inert)) {
        throw new IOException("the rewritten file does not read back as inert");
      }
      notice(
          "sanitized "
              + file
              + ", which the sandboxed command changed ("
              + why
              + "); the original is "
              + original);
      return kept;
    } catch (IOException | GitConfig.Syntax e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // reported below
      }
      fail("cannot sanitize " + file + ": " + e);
      if (exists(file)) {
        moveAside(file, "it could not be sanitized");
      }
      return List.of();
    }
  }

  /** What a repository needs to open: the format version, and whether it is bare. */
  private static List<Entry> minimal(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    boolean bare = dir.getFileName() == null || !dir.getFileName().toString().equals(".git");
    if (!file.getFileName().toString().equals("config") || !isGitDir(dir)) {
      return List.of();
    }
    return List.of(
        new Entry("core", null, "repositoryformatversion", "0"),
        new Entry("core", null, "bare", Boolean.toString(bare)));
  }

  private List<Path> globalConfigs() {
    List<Path> out = new ArrayList<>();
    String g = env.get("GIT_CONFIG_GLOBAL");
    if (g != null && !g.isEmpty()) {
      out.add(Path.of(g));
    } else {
      String xdg = env.get("XDG_CONFIG_HOME");
      out.add(
          (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : home.resolve(".config"))
              .resolve("git/config"));
      out.add(home.resolve(".gitconfig"));
    }
    String s = env.get("GIT_CONFIG_SYSTEM");
    out.add(s != null && !s.isEmpty() ? Path.of(s) : Path.of("/etc/gitconfig"));
    return out.stream().filter(Path::isAbsolute).toList();
  }

  // ---- pointers

  /** A {@code .git} file or link: its target is swept; a changed one that leads outside goes. */
  private void pointer(Path p) {
    Optional<Path> target;
    try {
      target = readPointer(p, true).map(t -> p.getParent().resolve(t).normalize());
    } catch (IOException e) {
      target = Optional.empty();
    }
    Optional<Path> inside = target.flatMap(this::realInsideRoots);
    if (inside.isPresent()) {
      gitDirs.add(inside.get());
    } else if (changed(p)) {
      moveAside(
          p,
          "a gitdir pointer to "
              + target.map(Path::toString).orElse("nothing readable")
              + ", not to a directory inside a writable root");
    }
  }

  /** The path a link, a {@code gitdir:} file or a {@code commondir} file names. */
  private static Optional<Path> readPointer(Path p, boolean gitdirFile) throws IOException {
    if (Files.isSymbolicLink(p)) {
      return Optional.of(Files.readSymbolicLink(p));
    }
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      head = in.readNBytes(MAX_POINTER_BYTES);
    }
    String text = new String(head, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    String line = (nl >= 0 ? text.substring(0, nl) : text).strip();
    if (gitdirFile) {
      if (!line.startsWith("gitdir:")) {
        return Optional.empty();
      }
      line = line.substring("gitdir:".length()).strip();
    }
    if (line.isEmpty() || line.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(line));
    } catch (java.nio.file.InvalidPathException e) {
      return Optional.empty();
    }
  }

  // ---- helpers

  /** The real path of p when it exists inside a writable root. */
  private Optional<Path> realInsideRoots(Path p) {
    try {
      Path real = p.toRealPath();
      return insideRoots(real) ? Optional.of(real) : Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  private boolean insideRoots(Path p) {
    Path n = p.toAbsolutePath().normalize();
    return roots.stream().anyMatch(n::startsWith);
  }

  /** Whether p (or, for a link, what it leads to) changed at or after the threshold. */
  boolean changed(Path p) {
    return ctimeAtOrAfter(p, LinkOption.NOFOLLOW_LINKS)
        || Files.isSymbolicLink(p) && ctimeAtOrAfter(p);
  }

  private boolean ctimeAtOrAfter(Path p, LinkOption... options) {
    try {
      FileTime ctime = (FileTime) Files.getAttribute(p, "unix:ctime", options);
      return !ctime.toInstant().isBefore(threshold);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return true; // cannot tell: treat as changed
    }
  }

  private void moveAside(Path p, String why) {
    Path target = p.resolveSibling(p.getFileName() + DISABLED + randomSuffix());
    try {
      try {
        Files.move(p, target);
      } catch (AccessDeniedException e) {
        // the command may have taken write permission from the directory: give it back
        ownerMayWrite(p.toAbsolutePath().getParent());
        Files.move(p, target);
      }
      notice("moved " + p + " aside to " + target + ": " + why);
    } catch (NoSuchFileException e) {
      // gone already
    } catch (IOException e) {
      fail(
          "cannot move " + p + " aside (" + why + "): " + e + "; remove it before using git there");
    }
  }

  /** Adds the owner's read, write and search permission to a directory (same uid as the run). */
  private void ownerMayWrite(Path dir) throws IOException {
    if (dir == null || Files.isWritable(dir)) {
      return;
    }
    try {
      Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
      mode.addAll(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
      mode.addAll(
          Set.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));
      Files.setPosixFilePermissions(dir, mode);
      notice("gave the owner back write permission on " + dir + " to make it safe");
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      throw new IOException("cannot change the permissions of " + dir + ": " + e, e);
    }
  }

  private void disableWholly(Path g, Exception e) {
    fail("cannot make the git directory " + g + " safe: " + e);
    moveAside(g, "its hooks and configuration could not be checked");
  }

  private String randomSuffix() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // Debug only: the lines reach the caller through the result (the CLI prints them); a warning
  // would print each twice.
  private void notice(String line) {
    LOG.log(Level.DEBUG, line);
    notices.add(line);
  }

  private void fail(String line) {
    LOG.log(Level.DEBUG, line);
    failures.add(line);
  }
}
