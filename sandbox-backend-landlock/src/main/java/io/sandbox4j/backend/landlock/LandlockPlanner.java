package io.sandbox4j.backend.landlock;

import static io.sandbox4j.backend.landlock.LandlockAccess.FS_IOCTL_DEV;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_READ_EXECUTE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_READ_FILE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_TRUNCATE;
import static io.sandbox4j.backend.landlock.LandlockAccess.FS_WRITE_FILE;

import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.LandlockRules;
import io.sandbox4j.launcher.linux.LandlockRules.PathRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns a policy into a Landlock ruleset: pure Java, no system calls beyond reading directory
 * listings and resolving links through {@link PathInspector}.
 *
 * <p>Landlock only ever allows, so "read everything except X" is built by granting read on every
 * sibling of each directory on the way from the root down to X, and nothing on the way itself.
 * Siblings are enumerated now: entries created later in those directories stay unreadable, and the
 * directories on the way (for example {@code /} and the home directory) cannot be listed.
 */
final class LandlockPlanner {

  /** What the planner is asked to include. */
  record Request(
      int abi,
      FilesystemPolicy filesystem,
      Optional<Path> privateTmp,
      List<Path> privateMounts,
      boolean filesystemRules,
      boolean scopeSignals,
      boolean scopeAbstractUnixSockets) {

    Request {
      privateMounts = List.copyOf(privateMounts);
    }

    Request(
        int abi,
        FilesystemPolicy filesystem,
        Optional<Path> privateTmp,
        boolean filesystemRules,
        boolean scopeSignals,
        boolean scopeAbstractUnixSockets) {
      this(
          abi,
          filesystem,
          privateTmp,
          List.of(),
          filesystemRules,
          scopeSignals,
          scopeAbstractUnixSockets);
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

  /**
   * Character devices ordinary programs open for writing ({@code > /dev/null}, dd from /dev/zero).
   * /dev/tty is harmless: the launcher calls setsid, so the command has no controlling terminal and
   * opening it fails with ENXIO.
   */
  static final List<Path> WRITABLE_DEVICES =
      paths("/dev/null", "/dev/zero", "/dev/full", "/dev/tty");

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

  /** How paths are looked at (the real filesystem, or a test's tree). */
  PathInspector inspector() {
    return fs;
  }

  LandlockPlanner(PathInspector fs) {
    this.fs = fs;
  }

  LandlockRules plan(Request request) {
    int abi = request.abi();
    long scoped = 0;
    if (request.scopeSignals()) {
      scoped |= LandlockAccess.SCOPE_SIGNAL;
    }
    if (request.scopeAbstractUnixSockets()) {
      scoped |= LandlockAccess.SCOPE_ABSTRACT_UNIX_SOCKET;
    }
    scoped &= LandlockAccess.scopes(abi);
    if (!request.filesystemRules()) {
      return new LandlockRules(0, 0, scoped, List.of(), List.of());
    }
    long handled = LandlockAccess.handledFs(abi);
    Rules rules = new Rules(handled, fs);
    FilesystemPolicy policy = request.filesystem();

    List<Path> writable = new ArrayList<>();
    for (Path root : policy.allWritableRoots()) {
      if (!fs.exists(root)) {
        throw SandboxException.cannotSandbox(
            "writable root " + root + " does not exist: create it or remove it from the policy");
      }
      writable.add(fs.realPath(root));
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

    List<Path> denied = new ArrayList<>();
    for (Path d : policy.readDeny()) {
      Path real = fs.realPath(d);
      for (Path w : writable) {
        if (real.startsWith(w) || w.startsWith(real)) {
          throw SandboxException.cannotSandbox(
              "read-denied path "
                  + d
                  + (real.equals(d) ? "" : " (really " + real + ")")
                  + " overlaps the writable root "
                  + w
                  + ": Landlock cannot deny reads inside a writable root; remove one of them");
        }
      }
      denied.add(real);
    }
    denied.addAll(ALWAYS_DENIED);

    List<Path> readRoots = new ArrayList<>();
    if (policy.readAllow().isEmpty()) {
      readRoots.add(Path.of("/"));
    } else {
      readRoots.addAll(SYSTEM_READ_PATHS);
      for (Path p : policy.readAllow()) {
        readRoots.add(fs.realPath(p));
      }
    }
    for (Path r : readRoots) {
      grantRead(fs.realPath(r), denied, rules);
    }

    long deviceWrite = FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV;
    for (Path dev : WRITABLE_DEVICES) {
      rules.add(dev, deviceWrite, true);
    }
    for (Path dev : READABLE_DEVICES) {
      rules.add(dev, FS_READ_FILE | FS_IOCTL_DEV, true);
    }
    // Mount points that get a fresh tmpfs of their own in this launch (the namespaces backend's
    // private /tmp): the launcher applies Landlock after the mounts, so these rules attach to the
    // private tmpfs, which reaches nothing outside the sandbox.
    writable.addAll(request.privateMounts());
    // REFER (like every right) only inside writable roots: link(2) and rename(2) need it on both
    // sides, so nothing can be linked or moved in from a read-only place (EXDEV).
    for (Path w : writable) {
      rules.add(w, handled, false);
    }
    return new LandlockRules(handled, 0, scoped, rules.list(), List.of());
  }

  /** Grants read+execute beneath {@code root} except beneath the denied paths. */
  private void grantRead(Path root, List<Path> denied, Rules rules) {
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
      rules.add(root, FS_READ_EXECUTE, true);
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
      grantRead(child, insideByChild.getOrDefault(child, List.of()), rules);
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
