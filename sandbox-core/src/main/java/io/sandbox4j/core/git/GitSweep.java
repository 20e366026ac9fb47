package io.sandbox4j.core.git;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.sandbox4j.core.git.GitConfig.Entry;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
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
import java.util.HashSet;
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
 *   <li>Walk each writable root without following links, depth first, directories changed during
 *       the run before the others (at most {@link #MAX_ENTRIES} entries and {@link #MAX_TIME}). A
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
 *   <li>Pointers, {@code commondir} and {@code worktrees/*}{@code /gitdir} are read as git reads
 *       them (the whole file, trailing CR/LF removed, cut at a NUL, the path after exactly {@code
 *       "gitdir: "}) and resolved by the kernel; their targets are swept wherever they lie in a
 *       root. Nothing but a regular file is ever opened, without following links and size-capped; a
 *       changed config or pointer that is a link, FIFO, device or oversized is moved aside unread.
 *   <li>Also swept: the hooks directories of the repository enclosing each root, a global absolute
 *       {@code core.hooksPath}, and a relative one against every work tree (linked ones included).
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
  private static final int MAX_POINTER_BYTES = 64 * 1024;
  private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  /** The longest a sweep may take before it gives up (and fails the run). */
  public static final Duration MAX_TIME = Duration.ofMinutes(5);

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
  private final Map<Path, Set<Path>> workTrees = new LinkedHashMap<>();
  private final Deque<Path> hot = new ArrayDeque<>();
  private final Deque<Path> cold = new ArrayDeque<>();
  private List<Entry> global = List.of();
  private Path current;
  private long deadline;
  private long entries;
  private final long limit;
  private final Duration maxTime;

  /**
   * @param roots the run's writable roots
   * @param runStart when the run started (before the command could write anything), best from
   *     {@link #clockOf}
   * @param env the host's environment (for git's global and system configuration files)
   * @param home the user's home directory
   */
  public GitSweep(List<Path> roots, Instant runStart, Map<String, String> env, Path home) {
    this(roots, runStart.minus(CLOCK_MARGIN), env, home, MAX_ENTRIES, MAX_TIME);
  }

  /** With an exact threshold and entry limit (tests). */
  GitSweep(List<Path> roots, Instant threshold, Map<String, String> env, Path home, long limit) {
    this(roots, threshold, env, home, limit, MAX_TIME);
  }

  /** With an exact threshold, entry limit and time limit (tests). */
  GitSweep(
      List<Path> roots,
      Instant threshold,
      Map<String, String> env,
      Path home,
      long limit,
      Duration maxTime) {
    this.limit = limit;
    this.maxTime = maxTime;
    Set<Path> real = new LinkedHashSet<>();
    for (Path r : roots) {
      try {
        real.add(r.toRealPath());
      } catch (IOException e) {
        // a root that no longer exists holds nothing to sweep
      }
    }
    // a root inside another is walked as part of it (found through each root's ancestors, not by
    // comparing every pair: 500 roots made that 250,000 comparisons)
    this.roots = real.stream().filter(r -> !hasAncestorIn(r, real)).toList();
    this.threshold = threshold;
    this.env = Map.copyOf(env);
    this.home = home;
  }

  private static boolean hasAncestorIn(Path p, Set<Path> set) {
    for (Path a = p.getParent(); a != null; a = a.getParent()) {
      if (set.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The run's start as each writable root's filesystem records it, for {@link #GitSweep(List,
   * Instant, Map, Path)}: the earliest of {@code now} and the ctime of a file created (and removed)
   * in each root, so that a filesystem with one- or two-second timestamps, or a server with a clock
   * of its own, cannot make the command's writes look older than the run. Call it before the
   * command starts. A root where no file can be created counts with {@code now} less two seconds.
   * Roots on one device (one file system, one clock) share the first probe that succeeds there.
   */
  public static Instant clockOf(List<Path> roots, Instant now) {
    Instant earliest = now;
    SecureRandom random = new SecureRandom();
    Set<Object> probed = new HashSet<>();
    for (Path root : roots) {
      Object device = device(root);
      if (device != null && probed.contains(device)) {
        continue;
      }
      byte[] seed = new byte[8];
      random.nextBytes(seed);
      Path probe = root.resolve(".sandbox4j-clock-" + HexFormat.of().formatHex(seed));
      try {
        Files.createFile(probe);
        try {
          FileTime t =
              (FileTime) Files.getAttribute(probe, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
          if (t.toInstant().isBefore(earliest)) {
            earliest = t.toInstant();
          }
          if (device != null) {
            probed.add(device);
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

  /** The device {@code root} lies on (links followed, as the probe's creation does), or null. */
  private static Object device(Path root) {
    try {
      return Files.getAttribute(root, "unix:dev");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Sweeps once; call it when no process of the run is left. Never throws. */
  public Outcome run() {
    try {
      sweep();
    } catch (Throwable e) { // NOPMD: any failure must end the run with 125, never 1
      fail("the git sweep failed at " + current + ": " + e);
    }
    try {
      restorePermissions();
    } catch (Throwable e) { // NOPMD
      fail("the git sweep could not restore permissions: " + e);
    }
    return new Outcome(notices, failures);
  }

  private void sweep() {
    deadline = System.nanoTime() + maxTime.toNanos();
    walkAll();
    List<Entry> global = new ArrayList<>();
    for (Path g : globalConfigs()) {
      global.addAll(config(g, 0));
    }
    this.global = global;
    for (Path p : pointers) {
      current = p;
      pointer(p);
    }
    Set<Path> looked = new HashSet<>();
    for (Path root : roots) {
      enclosing(root, looked);
    }
    Deque<Path> queue = new ArrayDeque<>(gitDirs);
    Set<Path> done = new LinkedHashSet<>();
    while (!queue.isEmpty()) {
      Path g = queue.poll();
      if (done.add(g)) {
        current = g;
        try {
          gitDir(g, queue);
        } catch (IOException | RuntimeException e) {
          if (insideRoots(g)) {
            disableWholly(g, e);
          } else {
            fail("cannot check the git directory " + g + " for hooks inside the workspace: " + e);
          }
        }
      }
    }
    // a global core.hooksPath that is, or lies inside, a writable root: whatever repository uses it
    for (Entry e : global) {
      if (isHooksPath(e)) {
        Path hp = expand(e.value(), home);
        if (hp.isAbsolute() && (e.value().startsWith("/") || e.value().startsWith("~"))) {
          current = hp;
          try {
            hookDir(hp);
          } catch (IOException ex) {
            fail("cannot check the hooks directory " + hp + " (core.hooksPath): " + ex);
          }
        }
      }
    }
  }

  /**
   * The repository a root lies in (git looks upwards from the working directory): its hooks and the
   * directories its core.hooksPath names are swept where they lie inside a writable root. An
   * ancestor in {@code looked} was judged already, with all above it, for an earlier root (sibling
   * roots share their ancestors).
   */
  private void enclosing(Path root, Set<Path> looked) {
    for (Path a = root.getParent(); a != null; a = a.getParent()) {
      if (!looked.add(a)) {
        return;
      }
      Path dotGit = a.resolve(".git");
      current = dotGit;
      if (Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) {
        addGitDir(dotGit, a);
        return;
      }
      if (exists(dotGit)) {
        try {
          Optional<Path> t = readPointer(dotGit, true);
          if (t.isPresent()) {
            Path target = a.resolve(t.get());
            if (Files.isDirectory(target)) {
              addGitDir(real(target), a);
            }
          }
        } catch (IOException e) {
          // git cannot use it either
        }
        return;
      }
      if (isGitDir(a)) {
        addGitDir(a, a);
        return;
      }
    }
  }

  private void addGitDir(Path g, Path workTree) {
    gitDirs.add(g);
    if (workTree != null) {
      workTrees.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(workTree);
    }
  }

  /**
   * Moves aside every link on the way to {@code p} (each prefix of its path) that lies inside a
   * writable root and changed during the run: the user's unchanged pointer or hooksPath can lead
   * outside only through a link the command made. True if one was found.
   */
  private boolean changedLinksOnTheWay(Path p, String what) {
    Path abs = p.toAbsolutePath();
    Path prefix = abs.getRoot();
    boolean found = false;
    for (Path part : abs) {
      prefix = prefix == null ? part : prefix.resolve(part);
      if (Files.isSymbolicLink(prefix) && insideRoots(prefix) && changed(prefix)) {
        moveAside(prefix, "a link the sandboxed command made on the way to " + what);
        found = true;
      }
    }
    return found;
  }

  /**
   * Where the entry p itself lies as the kernel resolves it ({@code ..} after a link leads to the
   * link target's parent), without following p if it is a link.
   */
  private static Path located(Path p) {
    Path parent = p.getParent();
    Path name = p.getFileName();
    if (parent == null || name == null || name.toString().equals("..")) {
      return real(p).normalize();
    }
    return real(parent).normalize().resolve(name);
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  // ---- the walk

  /**
   * Walks every root without following links. Directories changed during the run are visited before
   * the others, so that when the walk cannot complete (entry limit, time limit) what the command
   * made is checked first; what was not visited is named in the failure.
   */
  private void walkAll() {
    for (Path root : roots) {
      enqueue(root);
    }
    while (!hot.isEmpty() || !cold.isEmpty()) {
      if (entries > limit || System.nanoTime() > deadline) {
        List<Path> left = new ArrayList<>(hot);
        left.addAll(cold);
        fail(
            "the git sweep stopped at its "
                + (entries > limit ? "limit of " + limit + " entries" : "time limit of " + maxTime)
                + " ("
                + entries
                + " entries visited)"
                + " in "
                + roots
                + "; the git directories it found were made safe, but "
                + left.size()
                + " directories were not checked ("
                + (hot.isEmpty()
                    ? "none of them changed during the run"
                    : hot.size() + " of them changed during the run")
                + "), among them "
                + left.stream().limit(5).toList()
                + "; remove plants there before running git, or use a smaller workspace");
        return;
      }
      Path dir = hot.isEmpty() ? cold.poll() : hot.poll();
      current = dir;
      visit(dir);
    }
  }

  private void enqueue(Path dir) {
    // depth first (a stack): memory grows with depth times width, not with the whole tree
    if (changed(dir)) {
      hot.push(dir);
    } else {
      cold.push(dir);
    }
  }

  private void visit(Path dir) {
    entries++;
    boolean gitDir =
        isGitDir(dir) || dir.getFileName() != null && dir.getFileName().toString().equals(".git");
    if (gitDir) {
      gitDirs.add(dir);
    }
    try {
      children(dir, gitDir);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      if (!unreadable(dir, e instanceof IOException io ? io : new IOException(e))) {
        return;
      }
      try {
        children(dir, gitDir);
      } catch (IOException | java.nio.file.DirectoryIteratorException again) {
        fail("cannot read " + dir + " even after restoring its owner's permissions: " + again);
        moveAside(dir, "it could not be read");
      }
    }
  }

  /**
   * Queues the subdirectories of {@code dir} and collects its {@code .git} files and links, one
   * entry at a time (a huge directory is never held in memory), until the entry limit.
   */
  private void children(Path dir, boolean gitDir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path child : s) {
        if (++entries > limit) {
          return;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue;
        } catch (IOException e) {
          fail("cannot examine " + child + ": " + e);
          continue;
        }
        String name = child.getFileName().toString();
        if (a.isDirectory()) {
          if (gitDir && name.equals("objects")) {
            // object storage: nothing git runs; a repository hidden there is reached only
            // through a pointer or commondir, whose target is swept wherever it lies
            continue;
          }
          enqueue(child);
        } else if (name.equals(".git")) {
          pointers.add(child);
        }
      }
    }
  }

  /**
   * A directory the walk could not read: gives the owner access back (true: list it again), or
   * moves it aside (false).
   */
  private boolean unreadable(Path dir, IOException why) {
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
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      fail("cannot read " + dir + " (" + why + ") nor restore its owner's permissions: " + e);
      moveAside(dir, "it could not be read");
      return false;
    }
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

  /** How many levels below a hooks directory changed helpers are disabled too. */
  private static final int HOOK_HELPER_DEPTH = 3;

  /**
   * Whether git would take {@code dir} for a git directory: a valid HEAD (as git's validate_headref
   * judges it) and objects, refs or commondir. Existence alone is not enough: a junk HEAD beside a
   * work-tree folder named {@code objects} would otherwise hide that folder (and a repository
   * planted in it) from the walk, which skips the object storage of git directories (found by the
   * red team).
   */
  public static boolean isGitDir(Path dir) {
    return validHead(dir.resolve("HEAD"))
        && (exists(dir.resolve("objects"))
            || exists(dir.resolve("refs"))
            || exists(dir.resolve("commondir")));
  }

  /** A symbolic link into refs/, "ref: refs/...", or an object id in hex (SHA-1 or SHA-256). */
  static boolean validHead(Path head) {
    try {
      if (Files.isSymbolicLink(head)) {
        return Files.readSymbolicLink(head).toString().startsWith("refs/");
      }
      String text = new String(readRegular(head, 256), StandardCharsets.UTF_8);
      if (text.startsWith("ref:")) {
        return text.substring(4).stripLeading().startsWith("refs/");
      }
      return text.matches("(?s)([0-9a-f]{64}|[0-9a-f]{40})(\\s.*)?");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  // ---- git directories

  private void gitDir(Path g, Deque<Path> queue) throws IOException {
    List<Entry> entries = new ArrayList<>();
    entries.addAll(config(g.resolve("config"), 0));
    entries.addAll(config(g.resolve("config.worktree"), 0));
    Set<Path> hookDirs = new LinkedHashSet<>();
    hookDirs.add(g.resolve("hooks"));
    Path commondir = g.resolve("commondir");
    if (exists(commondir)) {
      Optional<Path> target;
      try {
        target = readPointer(commondir, false).map(g::resolve);
      } catch (IOException e) {
        target = Optional.empty();
      }
      Optional<Path> found = target.filter(Files::isDirectory).map(GitSweep::real);
      Optional<Path> dir =
          found.isPresent()
                  && !insideRoots(found.get())
                  && changedLinksOnTheWay(target.get(), "the directory " + commondir + " names")
              ? Optional.empty()
              : found;
      if (dir.isPresent() && (insideRoots(dir.get()) || !changed(commondir))) {
        // the common directory holds the hooks and the configuration of this work tree too
        queue.add(dir.get());
        workTrees(g).forEach(w -> addGitDir(dir.get(), w));
        hookDirs.add(dir.get().resolve("hooks"));
      } else if (insideRoots(commondir) && changed(commondir)) {
        moveAside(
            commondir,
            "it points to "
                + target.map(Path::toString).orElse("nothing git or the sweep can judge")
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
    List<Path> bases = bases(g, entries);
    for (String hp : hooksPaths) {
      for (Path base : bases) {
        hookDirs.add(expand(hp, base));
      }
    }
    for (Path h : hookDirs) {
      hookDir(h);
    }
  }

  /** Sweeps a hooks directory that is, or leads to, a directory inside a writable root. */
  private void hookDir(Path h) throws IOException {
    if (Files.isSymbolicLink(h) && insideRoots(h) && changed(h)) {
      moveAside(h, "a link to a hooks directory the sandboxed command made");
      return;
    }
    Optional<Path> real = realInsideRoots(h);
    if (real.isEmpty() && Files.exists(h)) {
      changedLinksOnTheWay(h, "the hooks directory " + h);
    }
    if (real.isPresent()) {
      hooks(real.get());
      Path name = real.get().getFileName();
      if (name != null && name.toString().equals("_") && real.get().getParent() != null) {
        hooks(real.get().getParent()); // husky 9: .husky/_/<hook> runs .husky/<hook>
      }
    }
  }

  /**
   * The work trees git may use with git directory {@code g} (a relative core.hooksPath is resolved
   * against the one git runs in): the directory holding it, core.worktree, the directories whose
   * {@code .git} pointer leads to it, and each linked work tree ({@code worktrees/NAME/gitdir},
   * {@code gitdir} in a linked work tree's own directory).
   */
  private Set<Path> workTrees(Path g) {
    Set<Path> out = new LinkedHashSet<>(workTrees.getOrDefault(g, Set.of()));
    if (g.getParent() != null) {
      out.add(g.getParent());
    }
    List<Path> admin = new ArrayList<>();
    admin.add(g);
    Path wt = g.resolve("worktrees");
    if (Files.isDirectory(wt, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(wt)) {
        int n = 0;
        for (Path p : s) {
          if (++n > 10_000) {
            fail("more than 10000 linked work trees in " + wt + "; not all were checked");
            break;
          }
          admin.add(p);
        }
      } catch (IOException e) {
        fail("cannot list the linked work trees in " + wt + ": " + e);
      }
    }
    for (Path a : admin) {
      Path gitdir = a.resolve("gitdir");
      if (!Files.isRegularFile(gitdir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        Optional<Path> dotGit = readPointer(gitdir, false);
        if (dotGit.isPresent()) {
          Path file = a.resolve(dotGit.get());
          // git trims the line and drops "/.git"; take both readings
          Path trimmed = a.resolve(dotGit.get().toString().strip());
          for (Path f : List.of(file, trimmed)) {
            out.add(f);
            if (f.getParent() != null) {
              out.add(f.getParent());
            }
            Path r = real(f);
            if (r.getParent() != null) {
              out.add(r.getParent());
            }
          }
        }
      } catch (IOException | java.nio.file.InvalidPathException e) {
        // an unreadable gitdir file names no work tree git could use
      }
    }
    return out;
  }

  private static boolean isHooksPath(Entry e) {
    return e.section().equals("core")
        && e.subsection() == null
        && e.key().equals("hookspath")
        && e.value() != null
        && !e.value().isEmpty();
  }

  /** Where a relative core.hooksPath may be resolved from: each work tree, or the git dir. */
  private List<Path> bases(Path g, List<Entry> entries) {
    List<Path> out = new ArrayList<>();
    out.add(g);
    out.addAll(workTrees(g));
    GitConfig.last(entries, "core", "worktree").ifPresent(w -> out.add(real(g.resolve(w))));
    return out;
  }

  private Path expand(String path, Path base) {
    if (path.equals("~") || path.startsWith("~/")) {
      return home.resolve(path.substring(Math.min(2, path.length())));
    }
    // not normalized: the kernel resolves ".." after a link, as git's own open() does
    return base.resolve(path);
  }

  /** Moves aside every hook in {@code dir} that changed, or all of them if the directory did. */
  private void hooks(Path dir) throws IOException {
    hooks(dir, 0);
  }

  /**
   * Disables what the command changed in a hooks directory and in its subdirectories, a few levels
   * down: hooks source helpers from beside them (husky 6-8's {@code .husky/_/husky.sh}, found by
   * the red team), so a changed helper counts as a changed hook.
   */
  private void hooks(Path dir, int depth) throws IOException {
    if (depth > HOOK_HELPER_DEPTH || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
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
      if (name.endsWith(".sample") || name.contains(DISABLED) || name.contains(ORIGINAL)) {
        continue;
      }
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        hooks(p, depth + 1);
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
    Path key = located(file.toAbsolutePath());
    List<Entry> cached = configs.get(key);
    if (cached != null) {
      return cached;
    }
    configs.put(key, List.of()); // include cycles end here
    if (!exists(file)) {
      return List.of();
    }
    boolean mine = insideRoots(file) || realInsideRoots(file).isPresent();
    boolean changed = mine && changed(file);
    Path read = file;
    if (Files.isSymbolicLink(file)) {
      if (changed) {
        // git would read through it (to /dev/zero, a FIFO, a file outside): a plant
        moveAside(file, "a configuration file that is a link, changed during the run");
        return List.of();
      }
      read = real(file); // the user's own link (dotfiles): read what it leads to, if regular
    }
    List<Entry> entries;
    boolean special = false;
    try {
      entries = parseFile(read);
    } catch (NotRegular e) {
      entries = null;
      special = true;
    } catch (GitConfig.Syntax | IOException e) {
      entries = null;
    }
    if (changed && special) {
      moveAside(
          file,
          "a configuration file that is not a regular file of at most "
              + MAX_CONFIG_BYTES
              + " bytes");
      return List.of();
    }
    if (changed) {
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
    return GitConfig.parse(new String(readRegular(file, MAX_CONFIG_BYTES), StandardCharsets.UTF_8));
  }

  /** A regular file or link that is not what git's caller can safely read. */
  static final class NotRegular extends IOException {
    private static final long serialVersionUID = 1L;

    NotRegular(String what) {
      super(what);
    }
  }

  /**
   * The bytes of a regular file of at most {@code cap} bytes, opened without following a link:
   * never a FIFO (which would block), a device ({@code /dev/zero} never ends) or a huge file.
   */
  static byte[] readRegular(Path file, int cap) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      throw new NotRegular(file + " is not a regular file");
    }
    if (a.size() > cap) {
      throw new NotRegular(file + " is larger than " + cap + " bytes");
    }
    try (java.nio.channels.SeekableByteChannel ch =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      // sized by the file (it may grow meanwhile: then doubled, up to the cap), not by the cap:
      // a 4 MiB buffer per config file was most of what a warm engine allocated per run
      java.nio.ByteBuffer buf =
          java.nio.ByteBuffer.allocate((int) Math.min(cap, Math.max(a.size(), 4096)) + 1);
      while (true) {
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // read to the end or until the buffer is full
        }
        if (buf.hasRemaining() || buf.capacity() > cap) {
          break;
        }
        buf =
            java.nio.ByteBuffer.allocate((int) Math.min((long) cap + 1, 2L * buf.capacity()))
                .put(buf.flip());
      }
      if (buf.position() > cap) {
        throw new NotRegular(file + " is larger than " + cap + " bytes");
      }
      byte[] out = new byte[buf.position()];
      buf.flip().get(out);
      return out;
    }
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

  /**
   * A {@code .git} file or link: its target is swept wherever it lies (inside a writable root, as a
   * git directory; outside, for hooks inside the roots); a changed one git would follow to no
   * directory inside a writable root, or that the sweep cannot read as git does, goes.
   */
  private void pointer(Path p) {
    Optional<Path> target;
    try {
      target = readPointer(p, true).map(t -> p.getParent().resolve(t));
    } catch (IOException | java.nio.file.InvalidPathException e) {
      target = Optional.empty();
    }
    Optional<Path> dir = target.filter(Files::isDirectory).map(GitSweep::real);
    if (dir.isPresent()
        && !insideRoots(dir.get())
        && changedLinksOnTheWay(target.get(), "the git directory " + p + " names")) {
      return;
    }
    if (dir.isPresent() && (insideRoots(dir.get()) || !changed(p))) {
      addGitDir(dir.get(), p.getParent());
    } else if (changed(p)) {
      moveAside(
          p,
          "a gitdir pointer to "
              + target.map(Path::toString).orElse("nothing git or the sweep can judge")
              + ", not to a directory inside a writable root");
    }
  }

  /**
   * The path a link, a {@code gitdir:} file or a {@code commondir} file names, read as git does
   * (setup.c: read_gitfile_gently, get_common_dir_noenv): the whole file, only trailing CR and LF
   * removed, up to the first NUL; a {@code .git} file must begin with exactly {@code "gitdir: "}
   * and the rest, spaces included, is the path. A file that is not regular or is over {@link
   * #MAX_POINTER_BYTES} throws {@link NotRegular}.
   */
  static Optional<Path> readPointer(Path p, boolean gitdirFile) throws IOException {
    if (Files.isSymbolicLink(p)) {
      return Optional.of(Files.readSymbolicLink(p));
    }
    byte[] bytes = readRegular(p, MAX_POINTER_BYTES);
    int len = bytes.length;
    while (len > 0 && (bytes[len - 1] == '\n' || bytes[len - 1] == '\r')) {
      len--;
    }
    for (int i = 0; i < len; i++) {
      if (bytes[i] == 0) {
        len = i;
        break;
      }
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(bytes, 0, len))
              .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new NotRegular(p + " does not hold a UTF-8 path");
    }
    if (gitdirFile) {
      if (!text.startsWith("gitdir: ")) {
        return Optional.empty();
      }
      text = text.substring("gitdir: ".length());
    }
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Path.of(text));
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
    Path n = located(p.toAbsolutePath());
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
    if (!insideRoots(p)) {
      fail("will not move " + p + " aside (" + why + "): it lies outside every writable root");
      return;
    }
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
