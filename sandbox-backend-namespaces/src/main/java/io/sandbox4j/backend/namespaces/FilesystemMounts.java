package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.MountAliases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a filesystem policy into mounts (pure planning: nothing on disk changes). Paths are
 * examined as they are at launch, before the command runs.
 *
 * <ul>
 *   <li>Private tmp: a fresh tmpfs on /tmp, /var/tmp and /dev/shm; writable roots beneath them are
 *       bound back in.
 *   <li>Protected paths: each writable root and each existing directory between it and a protected
 *       path is pinned (bound onto itself: it cannot be renamed or removed, EBUSY), and the
 *       protected path is bound read-only. So `mv .git x; mkdir -p .git/hooks` fails: .git is a
 *       mount point.
 *   <li>Beneath a writable root, the policy's protected paths plus {@link #GIT_CODE_PATHS} wherever
 *       the policy protects {@code .git/hooks} or {@code .git/config}: each names a place from
 *       which git on the host would run code.
 *   <li>A protected path (or an ancestor) that does not exist: nothing can be bound there, so it is
 *       recorded ({@link #missing()}); when the run ends {@link Quarantine} moves aside whatever
 *       the command created there. Paths beneath {@code .git} are not recorded: the engine's
 *       post-run git sweep judges what the command created in git directories. No placeholder is
 *       created: an empty directory at {@code .git/config} or {@code .git/commondir} breaks git on
 *       the host.
 *   <li>An ancestor or protected path that is a symbolic link is refused: the link itself cannot be
 *       pinned and the command could replace it.
 *   <li>Read deny: an existing denied path is masked (empty read-only directory, or /dev/null
 *       read-only for a file), through symbolic links at launch.
 * </ul>
 */
final class FilesystemMounts {
  /**
   * Beyond hooks and config, files from which host git finds code to run, bound read-only when they
   * exist: {@code commondir} redirects the repository (its config and hooks) to any directory;
   * {@code config.worktree} is read as config when worktreeConfig is on. Defence in depth only: the
   * engine's post-run git sweep is what makes every git directory in a writable root safe, on every
   * backend. {@code .git/modules} and {@code .git/worktrees} are not bound: {@code git submodule
   * update} and {@code git worktree add} write there, and the sweep covers the git directories
   * inside them.
   */
  static final List<String> GIT_CODE_PATHS = List.of(".git/commondir", ".git/config.worktree");

  /**
   * Protected paths beneath this name that do not exist at launch are left to the engine's git
   * sweep, which owns what the command creates in git directories (one owner per concern).
   */
  private static final Path GIT = Path.of(".git");

  /**
   * A protected path that did not exist at launch.
   *
   * @param root the writable root it lies beneath
   * @param path the protected path
   * @param firstMissing the shallowest path between root and path (inclusive) that did not exist
   */
  record Missing(Path root, Path path, Path firstMissing) {}

  // Sets, not lists: a policy of N paths adds O(N) mounts, and list scans made planning O(N^2).
  private final Set<Mount> mounts = new LinkedHashSet<>();
  private final Set<Missing> missing = new LinkedHashSet<>();
  private final Set<Path> readOnly = new LinkedHashSet<>();
  // what one plan examined on disk, so a path on the way to several protected paths is read once
  private final Map<Path, Boolean> directories = new HashMap<>();
  private final Map<Path, Optional<BasicFileAttributes>> entries = new HashMap<>();
  private final MountAliases aliases;

  /** Plans against this process's mount table. */
  FilesystemMounts() {
    this(MountAliases.current());
  }

  /** Plans against {@code aliases} (other mounts showing a hidden or denied path again). */
  FilesystemMounts(MountAliases aliases) {
    this.aliases = aliases;
  }

  List<Mount> mounts() {
    return List.copyOf(mounts);
  }

  /** The protected paths beneath writable roots that did not exist when planned. */
  List<Missing> missing() {
    return List.copyOf(missing);
  }

  /**
   * The policy's protected paths plus {@link #GIT_CODE_PATHS} beneath each writable root where the
   * policy protects .git/hooks or .git/config (protecting those alone would leave the others open).
   */
  static List<Path> protectedPaths(FilesystemPolicy fs) {
    Set<Path> out = new LinkedHashSet<>(fs.protectedPaths());
    for (Path root : fs.allWritableRoots()) {
      if (out.contains(root.resolve(".git/hooks")) || out.contains(root.resolve(".git/config"))) {
        for (String name : GIT_CODE_PATHS) {
          out.add(root.resolve(name).normalize());
        }
      }
    }
    return List.copyOf(out);
  }

  void privateTmp(List<Path> writableRoots, List<Path> tmpDirs) {
    List<Path> roots = realPaths(writableRoots);
    for (Path tmp : tmpDirs) {
      if (!Files.isDirectory(tmp)) {
        continue;
      }
      Path real = real(tmp);
      List<Path> keep = new ArrayList<>();
      for (Path root : roots) {
        if (real.startsWith(root)) {
          throw SandboxException.cannotSandbox(
              "cannot give the command a private "
                  + tmp
                  + ": the writable root "
                  + root
                  + " contains it; use a workspace outside "
                  + tmp);
        }
        if (root.startsWith(real) && !keep.contains(root)) {
          keep.add(root);
        }
      }
      mounts.add(new Mount(MountKind.TMPFS, real, false, keep));
    }
  }

  void protect(FilesystemPolicy fs) {
    // built once: the policy makes a new list per call, and this loop asked once per protected path
    List<Path> allRoots = fs.allWritableRoots();
    Set<Path> roots = new HashSet<>(allRoots);
    List<Path> protectedPaths = protectedPaths(fs);
    Map<Path, List<Path>> rootsBeneath = rootsBeneath(allRoots, new HashSet<>(protectedPaths));
    for (Path p : protectedPaths) {
      // The deny wins: a writable root beneath a write-denied path is read-only as a whole. Bound
      // read-only itself, since the recursive read-only bind of p does not reach the root's
      // writable binds (private home, private tmp, read-only host view) applied at its own path.
      for (Path r : rootsBeneath.getOrDefault(p, List.of())) {
        protectBeneath(r, r);
      }
      Optional<Path> root = deepestAncestorIn(p, roots);
      if (root.isEmpty()) {
        // outside every writable root: read-only when it exists (it cannot be created there).
        // Optional: beneath a private tmp (a policy file in the host's /tmp, say) the path is
        // hidden inside, and there is nothing to bind.
        if (Files.exists(p)) {
          readOnly.add(p);
          mounts.remove(Mount.of(MountKind.PIN, p));
          add(Mount.optional(MountKind.READ_ONLY_BIND, p));
        }
        continue;
      }
      protectBeneath(root.get(), p);
    }
  }

  /**
   * For each protected path, the writable roots strictly beneath it, in the roots' order: found
   * through each root's ancestors (a set lookup each), not by comparing every root with every
   * protected path (1000 paths: 2,500 protected paths times 500 roots).
   */
  private static Map<Path, List<Path>> rootsBeneath(List<Path> roots, Set<Path> protectedPaths) {
    Map<Path, List<Path>> out = new HashMap<>();
    for (Path r : roots) {
      for (Path a = r.getParent(); a != null; a = a.getParent()) {
        if (protectedPaths.contains(a)) {
          out.computeIfAbsent(a, k -> new ArrayList<>()).add(r);
        }
      }
    }
    return out;
  }

  private void protectBeneath(Path root, Path p) {
    if (!isDirectory(root)) {
      return; // a writable root that does not exist: nothing can be written beneath it
    }
    if (sealed(root)) {
      return;
    }
    // the root and every ancestor but "/" pinned: renaming an ancestor away and planting a new
    // tree at the root's path fails with EBUSY
    for (Path a = root; a != null && a.getNameCount() > 0; a = a.getParent()) {
      add(Mount.of(MountKind.PIN, a));
    }
    Path cur = root;
    Path rel = root.relativize(p);
    for (int i = 0; i < rel.getNameCount(); i++) {
      cur = cur.resolve(rel.getName(i));
      if (sealed(cur)) {
        return; // beneath a path already bound read-only
      }
      boolean last = i == rel.getNameCount() - 1;
      BasicFileAttributes attrs = lstat(cur);
      if (attrs != null && attrs.isSymbolicLink()) {
        throw SandboxException.cannotSandbox(
            "cannot protect "
                + p
                + ": "
                + cur
                + " is a symbolic link, which the namespaces backend cannot pin; replace it with"
                + " the directory it points to or drop it from the protected paths");
      }
      if (attrs == null) {
        if (!rel.startsWith(GIT)) {
          missing.add(new Missing(root, p, cur));
        }
        return;
      }
      if (last || !attrs.isDirectory()) {
        seal(cur);
        return;
      }
      add(Mount.of(MountKind.PIN, cur));
    }
  }

  /**
   * Whether {@code p} is a directory (links followed), asked once per plan: every protected name
   * beneath a root asks it of the root.
   */
  private boolean isDirectory(Path p) {
    return directories.computeIfAbsent(p, k -> Files.isDirectory(k));
  }

  /**
   * The attributes of {@code p} itself (a link not followed), or null when it does not exist (or
   * cannot be examined, as {@code Files.exists} judges); read once per plan: {@code .git} beneath a
   * root lies on the way to four protected paths.
   */
  private BasicFileAttributes lstat(Path p) {
    return entries
        .computeIfAbsent(
            p,
            k -> {
              try {
                return Optional.of(
                    Files.readAttributes(k, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
              } catch (IOException e) {
                return Optional.empty();
              }
            })
        .orElse(null);
  }

  /** The deepest of {@code roots} that is p or an ancestor of p (a lookup per ancestor). */
  private static Optional<Path> deepestAncestorIn(Path p, Set<Path> roots) {
    for (Path a = p; a != null; a = a.getParent()) {
      if (roots.contains(a)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Whether p or one of its ancestors is bound read-only (a lookup per ancestor, not a scan). */
  private boolean sealed(Path p) {
    for (Path a = p; a != null; a = a.getParent()) {
      if (readOnly.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private void seal(Path p) {
    readOnly.add(p);
    mounts.remove(Mount.of(MountKind.PIN, p));
    add(Mount.of(MountKind.READ_ONLY_BIND, p));
  }

  /** The most paths the launcher binds back into one hidden directory. */
  static final int MAX_KEPT = 64;

  /**
   * Hides each existing private home (by its real path; a home inside another is covered by the
   * outer one) behind a read-only tmpfs that shows only what the policy keeps visible there: the
   * writable roots, read grants and read allow-list entries inside it, by the path given and by its
   * real path. Kept paths that are not writable roots are bound read-only. Symbolic links in the
   * home are not visible; a kept path that is one shows its target. Links elsewhere that point into
   * the home resolve inside the sandbox's view, so they meet the tmpfs.
   */
  void privateHomes(FilesystemPolicy fs) {
    List<Path> homes = new ArrayList<>();
    for (Path h : fs.privateHomes()) {
      if (Files.isDirectory(h)) {
        homes.add(real(h));
        // another mount of the home's file system shows it again (a bind mount of /home, the disk
        // a bind-mounted home comes from): hidden the same way, keeping what is spelled beneath it
        for (Path a : aliasesOf(real(h))) {
          if (Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
            homes.add(a);
          } else {
            add(Mount.optional(MountKind.MASK, a));
          }
        }
      }
    }
    List<Path> writable = fs.allWritableRoots();
    List<Path> visible = new ArrayList<>(writable);
    visible.addAll(fs.readGrants());
    visible.addAll(fs.readAllow());
    for (Path home : homes) {
      if (homes.stream().anyMatch(o -> !o.equals(home) && home.startsWith(o))) {
        continue; // the outer home's tmpfs hides this one too
      }
      // path -> writable, shallowest first
      TreeMap<Path, Boolean> keep =
          new TreeMap<>(Comparator.comparingInt(Path::getNameCount).thenComparing(p -> p));
      for (Path v : visible) {
        boolean w = writable.contains(v);
        for (Path p : inHome(v, home, fs.privateHomes())) {
          keep.merge(p, w, Boolean::logicalOr);
        }
      }
      if (keep.containsKey(home)) {
        continue; // the whole home is allowed (--allow-read of the home itself)
      }
      List<Path> kept = new ArrayList<>();
      for (Map.Entry<Path, Boolean> e : keep.entrySet()) {
        Path p = e.getKey();
        boolean w = e.getValue();
        // beneath a writable keep, or a read-only keep beneath a read-only one: bound already
        boolean covered =
            kept.stream().anyMatch(k -> p.startsWith(k) && (keep.get(k) || !w) && !k.equals(p));
        if (covered || !Files.exists(p)) {
          continue;
        }
        kept.add(p);
        if (!w) {
          // not recorded as sealed: a writable root beneath it is still protected as usual
          add(Mount.optional(MountKind.READ_ONLY_BIND, p));
        }
      }
      if (kept.size() > MAX_KEPT) {
        throw SandboxException.cannotSandbox(
            "cannot keep the home "
                + home
                + " private: "
                + kept.size()
                + " paths inside it must stay visible (workspace, writable roots, read grants,"
                + " allow-read), more than the "
                + MAX_KEPT
                + " the launcher binds; grant a common parent instead, or use --home read");
      }
      add(new Mount(MountKind.HIDE, home, true, kept));
    }
  }

  /**
   * Where {@code p} lies inside {@code realHome}: by its real path, and by its own path when that
   * starts with one of the policy's spellings of the home (which may be a link to realHome).
   */
  private static Set<Path> inHome(Path p, Path realHome, List<Path> spellings) {
    Set<Path> out = new LinkedHashSet<>();
    Path r = real(p);
    if (r.startsWith(realHome)) {
      out.add(r);
    }
    for (Path h : spellings) {
      if (p.startsWith(h) && real(h).equals(realHome)) {
        out.add(realHome.resolve(h.relativize(p)));
      }
    }
    return out;
  }

  void denyRead(List<Path> readDeny) {
    for (Path p : readDeny) {
      if (Files.exists(p)) {
        add(Mount.optional(MountKind.MASK, p));
        aliasesOf(real(p)).forEach(a -> add(Mount.optional(MountKind.MASK, a)));
      }
    }
  }

  private List<Path> aliasesOf(Path realPath) {
    return aliases.existing(realPath);
  }

  /** Masks each path (optional: it may be hidden by the private tmp already). */
  void mask(List<Path> paths) {
    for (Path p : paths) {
      add(Mount.optional(MountKind.MASK, p));
    }
  }

  private void add(Mount m) {
    mounts.add(m);
  }

  private static List<Path> realPaths(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      out.add(real(p));
    }
    return out;
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}
