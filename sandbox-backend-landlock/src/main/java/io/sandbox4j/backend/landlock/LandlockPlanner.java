package io.sandbox4j.backend.landlock;

import static io.sandbox4j.backend.landlock.LandlockAccess.FS_IOCTL_DEV;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_READ_DIR;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_READ_EXECUTE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_READ_FILE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_REFER;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_TRUNCATE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_WRITE_FILE;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SystemRoots;
import io.sandbox4j.launcher.linux.LandlockRules;
import io.sandbox4j.launcher.linux.LandlockRules.PathRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns a policy into the filesystem part of a Landlock ruleset, for the features the isolator owns
 * in this run: pure Java, no system calls beyond reading directory listings and resolving links
 * through {@link PathInspector}.
 *
 * <p>Landlock only ever allows, so "read everything except X" ({@link Feature#FS_READ_DENY}) is
 * built by granting read on every sibling of each directory on the way from the root down to X, and
 * nothing on the way itself. Siblings are enumerated now: entries created later in those
 * directories stay unreadable, and the directories on the way (for example {@code /} and the home
 * directory) cannot be listed. When another isolator owns the read deny-list (the namespaces
 * backend masks denied paths), none of this is done and those directories stay listable ({@code /}
 * too: it gets READ_DIR alone, as {@code /dev} is withheld beneath it).
 *
 * <p>Whatever is owned, {@code /dev} is never readable as a whole ({@link #ALWAYS_DENIED}): with
 * raw block devices readable, no read deny (masks included) and no write confinement would hold.
 */
final class LandlockPlanner {

  /**
   * What the planner is asked for.
   *
   * @param abi the host's Landlock ABI
   * @param filesystem the policy's filesystem part
   * @param privateTmp the per-run TMPDIR another isolator created, if any
   * @param owned the features the filesystem isolator owns in this run: {@link
   *     Feature#FS_READ_DENY} adds the deny-list, {@link Feature#FS_READ_ALLOWLIST} limits reads to
   *     the allow-list, {@link Feature#FS_WRITE_CONFINEMENT} handles every write right (without it
   *     only reading, and REFER, which every ruleset denies unless granted, are handled)
   */
  record Request(
      int abi, FilesystemPolicy filesystem, Optional<Path> privateTmp, Set<Feature> owned) {

    Request {
      owned = Set.copyOf(owned);
    }

    boolean denyReads() {
      return owned.contains(Feature.FS_READ_DENY);
    }

    boolean allowList() {
      return owned.contains(Feature.FS_READ_ALLOWLIST) && !filesystem.readAllow().isEmpty();
    }

    boolean privateHome() {
      return owned.contains(Feature.FS_PRIVATE_HOME);
    }

    boolean confineWrites() {
      return owned.contains(Feature.FS_WRITE_CONFINEMENT);
    }
  }

  /**
   * What programs need to read and run when reads are limited to an allow-list. /proc is needed
   * whole (programs read /proc/self/..., and /proc/self of a child is another directory); /etc
   * holds the loader, locale and name-service configuration.
   */
  static final List<Path> SYSTEM_READ_PATHS =
      paths(
          "/usr",
          "/bin",
          "/sbin",
          "/lib",
          "/lib32",
          "/lib64",
          "/libx32",
          "/etc",
          "/proc",
          "/sys/devices/system/cpu");

  /** Character devices programs read (with ioctls such as RNDGETENTCNT) but need not write. */
  static final List<Path> READABLE_DEVICES = paths("/dev/random", "/dev/urandom");

  /**
   * Never readable as a whole, whatever the policy: /dev. Only the devices above are granted. Raw
   * block devices would otherwise hand a command running as root (even without capabilities: the
   * nodes are root-owned, mode 660) every file on the disk, denied ones included, and the
   * pseudo-terminals of the user's other sessions would leak keystrokes. The command's own
   * terminal, inherited as an open descriptor, still works.
   */
  static final List<Path> ALWAYS_DENIED = paths("/dev");

  /** Shared temporary directories: granting write there would let runs see each other. */
  static final List<Path> SHARED_TMP = paths("/", "/tmp", "/var/tmp", "/dev/shm");

  /** The name prefix of a per-run temporary directory that gets write access. */
  static final String PRIVATE_TMP_PREFIX = "sandbox4j";

  private final PathInspector fs;

  LandlockPlanner(PathInspector fs) {
    this.fs = fs;
  }

  /**
   * The process isolator's part of the ruleset: signal scoping and, when the policy allows no
   * network, abstract unix socket scoping, as far as the ABI has them (ABI 6). No filesystem rights
   * are handled.
   */
  static LandlockRules scopes(int abi, boolean noNetwork) {
    long scoped = LandlockAccess.SCOPE_SIGNAL;
    if (noNetwork) {
      scoped |= LandlockAccess.SCOPE_ABSTRACT_UNIX_SOCKET;
    }
    return new LandlockRules(0, 0, scoped & LandlockAccess.scopes(abi), List.of(), List.of());
  }

  /**
   * The real paths that get every handled right: the policy's writable roots (each must exist) and
   * a per-run TMPDIR (a directory whose name starts with {@link #PRIVATE_TMP_PREFIX}, never a
   * shared one). The read-only host view makes the same paths writable again. A root at or beneath
   * a write-denied path is left out: the deny wins, and the root stays read-only as a whole.
   */
  List<Path> writableRoots(Request request) {
    List<Path> writable = new ArrayList<>();
    List<Path> denied = new ArrayList<>();
    for (Path d : request.filesystem().writeDeny()) {
      denied.add(d);
      denied.add(fs.realPath(d));
    }
    for (Path root : request.filesystem().allWritableRoots()) {
      if (!fs.exists(root)) {
        throw SandboxException.cannotSandbox(
            "writable root " + root + " does not exist: create it or remove it from the policy");
      }
      Path real = fs.realPath(root);
      if (denied.stream().noneMatch(d -> root.startsWith(d) || real.startsWith(d))) {
        writable.add(real);
      }
    }
    request
        .privateTmp()
        .map(fs::realPath)
        .filter(p -> !SHARED_TMP.contains(p) && fs.isDirectory(p))
        .filter(
            p ->
                p.getFileName() != null
                    && p.getFileName().toString().startsWith(PRIVATE_TMP_PREFIX))
        .ifPresent(writable::add);
    return writable;
  }

  /** The filesystem part of the ruleset (no scopes: see {@link #scopes}). */
  LandlockRules plan(Request request) {
    FilesystemPolicy policy = request.filesystem();
    long handled = LandlockAccess.handledFs(request.abi());
    // Without write confinement reads alone are handled; REFER too, because every ruleset denies
    // it unless granted: granted with read, it keeps cross-directory links and renames working
    // wherever reading is allowed, and still denies them out of denied paths (no hard link to a
    // denied file).
    long read = FS_READ_EXECUTE;
    if (!request.confineWrites()) {
      handled &= FS_READ_EXECUTE | FS_REFER;
      read |= FS_REFER;
    }
    Rules rules = new Rules(handled, fs);
    List<Path> writable = writableRoots(request);
    // one reading of the mount table for this plan (fresh per plan: a mount made since counts)
    Function<Path, List<Path>> mountAliases = fs.mountAliasesNow();

    List<Path> denied = new ArrayList<>();
    for (Path d : request.denyReads() ? policy.readDeny() : List.<Path>of()) {
      Path real = fs.realPath(d);
      checkOutsideWritable(d, real, writable);
      denied.add(real);
      // the same content shown by another mount (attack 13): denied there too
      for (Path a : mountAliases.apply(real)) {
        checkOutsideWritable(d, a, writable);
        denied.add(a);
      }
    }
    denied.addAll(ALWAYS_DENIED);
    // Private homes: nothing granted beneath them (not even READ_DIR: their entries cannot be
    // listed) but what stays visible there, granted again below with the deny-list alone.
    List<Path> hidden = new ArrayList<>(denied);
    List<Path> homes = request.privateHome() ? privateHomes(policy) : List.of();
    hidden.addAll(homes);
    // another mount showing a home (a bind mount of /home, the disk a bind-mounted home comes
    // from) is hidden the same way (attack 13); what is spelled beneath it stays visible
    List<Path> shown = new ArrayList<>(homes);
    for (Path home : homes) {
      for (Path a : mountAliases.apply(home)) {
        for (Path w : writable) {
          if (a.startsWith(w)) {
            throw SandboxException.cannotSandbox(
                "the private home "
                    + home
                    + " is also reachable at "
                    + a
                    + " inside the writable root "
                    + w
                    + ": Landlock cannot hide it there; choose another writable root or use"
                    + " --home read");
          }
        }
        shown.add(a);
      }
    }
    hidden.addAll(shown.subList(homes.size(), shown.size()));

    List<Path> readRoots = new ArrayList<>();
    if (request.allowList()) {
      readRoots.addAll(SYSTEM_READ_PATHS);
      for (Path p : policy.readAllow()) {
        readRoots.add(fs.realPath(p));
      }
    } else {
      readRoots.add(Path.of("/"));
    }
    for (Path r : readRoots) {
      grantRead(fs.realPath(r), read, hidden, rules);
    }
    for (Path v : visibleInHomes(policy, shown)) {
      grantRead(v, read, denied, rules);
    }
    if (!request.denyReads() && !request.allowList() && homes.isEmpty()) {
      // Only /dev is withheld then, which leaves / without a rule of its own: listing (names,
      // as on the host) every directory keeps `ls /` working; /dev's devices stay unreadable.
      rules.add(Path.of("/"), FS_READ_DIR, true);
    }

    long deviceWrite = FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV;
    for (Path dev : SystemRoots.WRITABLE_DEVICES) {
      rules.add(dev, deviceWrite, true);
    }
    for (Path dev : READABLE_DEVICES) {
      rules.add(dev, FS_READ_FILE | FS_IOCTL_DEV, true);
    }
    // REFER (like every right) only inside writable roots: link(2) and rename(2) need it on both
    // sides, so nothing can be linked or moved in from a read-only place (EXDEV). The private
    // tmpfs mounts another isolator adds get every right from the plan itself
    // (LinuxLaunchPlan.landlock()).
    for (Path w : writable) {
      rules.add(w, handled, false);
    }
    return new LandlockRules(handled, 0, 0, rules.list(), List.of());
  }

  private static void checkOutsideWritable(Path given, Path real, List<Path> writable) {
    for (Path w : writable) {
      if (real.startsWith(w) || w.startsWith(real)) {
        throw SandboxException.cannotSandbox(
            "read-denied path "
                + given
                + (real.equals(given) ? "" : " (really " + real + ")")
                + " overlaps the writable root "
                + w
                + ": Landlock cannot deny reads inside a writable root; remove one of them");
      }
    }
  }

  /** The real paths of the policy's existing private homes. */
  private List<Path> privateHomes(FilesystemPolicy policy) {
    List<Path> homes = new ArrayList<>();
    for (Path h : policy.privateHomes()) {
      if (fs.isDirectory(h)) {
        homes.add(fs.realPath(h));
      }
    }
    return homes;
  }

  /**
   * The read grants and allow-list entries that lie in a private home, by their real paths
   * (writable roots get every right anyway). A grant that is a link out of the home needs nothing:
   * Landlock checks the target, outside the home.
   */
  private List<Path> visibleInHomes(FilesystemPolicy policy, List<Path> homes) {
    List<Path> out = new ArrayList<>();
    List<Path> candidates = new ArrayList<>(policy.readGrants());
    candidates.addAll(policy.readAllow());
    for (Path p : candidates) {
      Path real = fs.realPath(p);
      if (homes.stream().anyMatch(real::startsWith)) {
        out.add(real);
      }
    }
    return out;
  }

  /** Grants {@code read} beneath {@code root} except beneath the denied paths. */
  private void grantRead(Path root, long read, List<Path> denied, Rules rules) {
    for (Path d : denied) {
      if (root.startsWith(d)) {
        return;
      }
    }
    // the denied paths beneath root, grouped by the child of root they lie in: one lookup per
    // child instead of a scan of every denied path (a policy of N paths stays O(N))
    Map<Path, List<Path>> insideByChild = new HashMap<>();
    int depth = root.getNameCount();
    for (Path d : denied) {
      if (d.startsWith(root) && d.getNameCount() > depth) {
        insideByChild
            .computeIfAbsent(root.resolve(d.getName(depth)), k -> new ArrayList<>())
            .add(d);
      }
    }
    if (insideByChild.isEmpty()) {
      rules.add(root, read, true);
      return;
    }
    if (!fs.isDirectory(root)) {
      return;
    }
    for (Path child : fs.children(root)) {
      // A link is not granted: Landlock checks the resolved path, which its own rules cover.
      // Granting it would grant its target, which may be a denied path or one of its ancestors.
      if (fs.isSymbolicLink(child)) {
        continue;
      }
      grantRead(child, read, insideByChild.getOrDefault(child, List.of()), rules);
    }
  }

  private static List<Path> paths(String... names) {
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      out.add(Path.of(n));
    }
    return List.copyOf(out);
  }

  /** Path rules merged per path, sorted by path so equal policies give equal rulesets. */
  private static final class Rules {
    private final long handled;
    private final PathInspector fs;
    private final TreeMap<Path, PathRule> byPath = new TreeMap<>();

    Rules(long handled, PathInspector fs) {
      this.handled = handled;
      this.fs = fs;
    }

    void add(Path path, long access, boolean optional) {
      long allowed = access & handled;
      if (!fs.isDirectory(path)) {
        // Files (devices included) and paths missing now: only file rights, or the kernel refuses
        // the rule. A path that is a directory by launch time still accepts these.
        allowed &= LandlockAccess.FS_FILE_RIGHTS;
      }
      if (allowed == 0) {
        return;
      }
      byPath.merge(
          path,
          new PathRule(path, allowed, optional),
          (a, b) ->
              new PathRule(
                  path, a.allowedAccess() | b.allowedAccess(), a.optional() && b.optional()));
    }

    /** The rules, without those an ancestor's rule already covers (fewer paths to open). */
    List<PathRule> list() {
      List<PathRule> out = new ArrayList<>();
      for (PathRule r : byPath.values()) {
        boolean covered = false;
        for (Path a = r.path().getParent(); a != null && !covered; a = a.getParent()) {
          PathRule ancestor = byPath.get(a);
          covered =
              ancestor != null
                  && (ancestor.allowedAccess() & r.allowedAccess()) == r.allowedAccess();
        }
        if (!covered) {
          out.add(r);
        }
      }
      return List.copyOf(out);
    }
  }
}
