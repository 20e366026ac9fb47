package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Which directories may not be writable roots. Every front end and the engine check each writable
 * root here, on its real path and on the identity (device and inode) of it and its ancestors, so a
 * symbolic link, a {@code ..} spelling or a bind-mount alias of a system directory counts as the
 * directory itself.
 *
 * <ul>
 *   <li>Never: /proc, /sys and /dev, anything beneath them, and anything on a kernel interface file
 *       system (proc, sysfs, cgroup, debugfs...) wherever it is mounted: writing there changes the
 *       host kernel (a sysctl, a device).
 *   <li>Only with an explicit opt-in ({@link SandboxPolicy.Builder#allowSystemWrite}, the CLI's
 *       {@code --allow-system-write}): "/", /etc, /usr, /boot, /bin, /sbin, /lib*, /run, /var, /opt
 *       and /srv (beneath /var/tmp and /var/cache no opt-in is needed), each with what lies beneath
 *       it; the account's home, /home, /mnt and /media as a whole (a project beneath them needs
 *       none); and any ancestor of these.
 * </ul>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SystemRoots {
  /** Never writable roots, with what lies beneath them. */
  public static final List<Path> NEVER_WRITABLE =
      List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

  /** Writable roots only with an opt-in, with what lies beneath them (but see the exceptions). */
  public static final List<Path> OPT_IN =
      List.of(
          Path.of("/etc"),
          Path.of("/usr"),
          Path.of("/boot"),
          Path.of("/bin"),
          Path.of("/sbin"),
          Path.of("/lib"),
          Path.of("/lib32"),
          Path.of("/lib64"),
          Path.of("/libx32"),
          Path.of("/run"),
          Path.of("/var"),
          Path.of("/opt"),
          Path.of("/srv"));

  /**
   * Writable roots only with an opt-in as a whole (and their ancestors), while what lies beneath
   * them needs none: the directories that hold every account's home and the mount points of other
   * disks, whose projects are ordinary workspaces.
   */
  public static final List<Path> OPT_IN_AS_A_WHOLE =
      List.of(Path.of("/home"), Path.of("/mnt"), Path.of("/media"));

  /** Beneath these no opt-in is needed, though they lie in {@link #OPT_IN} directories. */
  public static final List<Path> OPT_IN_EXCEPTIONS =
      List.of(Path.of("/var/tmp"), Path.of("/var/cache"));

  /** File system types that are kernel interfaces: never writable roots, wherever mounted. */
  public static final Set<String> KERNEL_FILE_SYSTEMS =
      Set.of(
          "proc",
          "sysfs",
          "devtmpfs",
          "devpts",
          "cgroup",
          "cgroup2",
          "securityfs",
          "debugfs",
          "tracefs",
          "bpf",
          "configfs",
          "efivarfs",
          "pstore",
          "binfmt_misc",
          "fusectl",
          "mqueue",
          "hugetlbfs",
          "selinuxfs");

  /**
   * The shared temporary directories a run gets a private, empty instance of when the policy asks
   * for a private /tmp ({@link Feature#FS_PRIVATE_TMP}).
   */
  public static final List<Path> PRIVATE_TMP =
      List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"));

  /**
   * The character devices every run may open for writing ({@code > /dev/null}, dd from /dev/zero),
   * whatever the writable roots; the launcher grants them. /dev/tty is harmless: the launcher calls
   * setsid, so the command has no controlling terminal and opening it fails with ENXIO.
   */
  public static final List<Path> WRITABLE_DEVICES =
      List.of(
          Path.of("/dev/null"), Path.of("/dev/zero"), Path.of("/dev/full"), Path.of("/dev/tty"));

  private static final Path ROOT = Path.of("/");
  private static final String WAY_OUT =
      "; if the command must write there, opt in with --allow-system-write "
          + "(policy file key filesystem.allow-system-write, "
          + "SandboxPolicy.Builder.allowSystemWrite)";

  private SystemRoots() {}

  /** Checks every writable root of {@code policy} against this account's home. */
  public static void check(SandboxPolicy policy) {
    check(policy, accountHome());
  }

  /**
   * The account's home ({@code user.home}, from the password database), not {@code $HOME}: that is
   * whatever the caller set, often a scratch directory beneath the workspace.
   */
  public static List<Path> accountHome() {
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() || !Path.of(home).isAbsolute()
        ? List.of()
        : List.of(Path.of(home).normalize());
  }

  /**
   * Checks every writable root of {@code policy}; {@code homes} are the account's homes. The system
   * directories' real paths and identities, and each file system's type, are looked up once for all
   * roots (a 1000-path policy paid them per root: 60 ms of its plan).
   */
  public static void check(SandboxPolicy policy, Collection<Path> homes) {
    FilesystemPolicy fs = policy.filesystem();
    Lookups l = new Lookups(fs.systemWriteOptIns(), homes);
    for (Path root : fs.allWritableRoots()) {
      l.check(root, "writable root");
    }
  }

  /**
   * Refuses {@code root} (exit 2, naming {@code what}, the flag or key it came from) when it is, or
   * lies beneath, a directory that is never writable, or is a system directory not named in {@code
   * optIns}.
   */
  public static void check(
      Path root, String what, Collection<Path> optIns, Collection<Path> homes) {
    new Lookups(optIns, homes).check(root, what);
  }

  /**
   * What one check (of one root or of every root of a policy) looks up, each at most once: real
   * paths, identities (device and inode) and file system types. Never kept beyond the check: a link
   * or mount made since must be seen by the next one.
   */
  private static final class Lookups {
    private final Collection<Path> optIns;
    private final Collection<Path> homes;
    private final Map<Path, Optional<Object>> identities = new HashMap<>();
    private final Map<Path, Path> reals = new HashMap<>();
    private final Map<Object, String> typeByDevice = new HashMap<>();

    Lookups(Collection<Path> optIns, Collection<Path> homes) {
      this.optIns = optIns;
      this.homes = homes;
    }

    void check(Path root, String what) {
      Path real = real(root);
      String shown = "'" + root + "'" + (real.equals(root) ? "" : " (that is '" + real + "')");
      List<Object> chain = chain(real);
      for (Path never : NEVER_WRITABLE) {
        if (real.startsWith(never) || chain.contains(identity(never))) {
          throw SandboxException.invalid(
              what
                  + ": "
                  + shown
                  + " lies in "
                  + never
                  + ", which is never a writable root: writing there changes the host kernel or"
                  + " its devices (/proc, /sys and /dev are refused, opted in or not)");
        }
      }
      String type = fileSystemType(real);
      if (KERNEL_FILE_SYSTEMS.contains(type)) {
        throw SandboxException.invalid(
            what
                + ": "
                + shown
                + " is on a "
                + type
                + " file system, a kernel interface that is never a writable root");
      }
      if (real.equals(ROOT) && !root.normalize().equals(ROOT)) {
        throw SandboxException.invalid(
            what + ": " + shown + " is the root directory by another name; name '/' itself");
      }
      String system = systemDirectory(real, chain);
      if (system == null) {
        return;
      }
      Object id = identity(real);
      for (Path o : optIns) {
        Path r = cachedReal(o);
        if (r.equals(real) || (id != null && id.equals(identity(r)))) {
          return;
        }
      }
      throw SandboxException.invalid(
          what
              + ": "
              + shown
              + " is "
              + system
              + ": a writable root there lets the command change the host or the account"
              + WAY_OUT
              + " (or choose a directory of its own)");
    }

    /** Why {@code real} needs an opt-in, or null when it does not. */
    private String systemDirectory(Path real, List<Object> chain) {
      if (real.equals(ROOT)) {
        return "the root directory";
      }
      for (Path except : OPT_IN_EXCEPTIONS) {
        if (real.startsWith(except)) {
          return null;
        }
      }
      for (Path dir : OPT_IN) {
        Object id = identity(dir);
        if (real.startsWith(dir) || (id != null && chain.contains(id))) {
          return real.startsWith(dir) && !real.equals(dir)
              ? "beneath the system directory " + dir
              : "the system directory " + dir;
        }
        Path target = cachedReal(dir);
        if (target.startsWith(real)) {
          return "an ancestor of the system directory " + dir;
        }
      }
      for (Path dir : OPT_IN_AS_A_WHOLE) {
        String why = asAWhole(real, dir, "the directory " + dir);
        if (why != null) {
          return why;
        }
      }
      for (Path home : homes) {
        String why = asAWhole(real, home, "the account's home " + home);
        if (why != null) {
          return why;
        }
      }
      return null;
    }

    /** Whether {@code real} is {@code dir} itself (by path or identity) or one of its ancestors. */
    private String asAWhole(Path real, Path dir, String named) {
      Path h = cachedReal(dir);
      Object id = identity(h);
      if (h.equals(real) || (id != null && id.equals(identity(real)))) {
        return named + " as a whole";
      }
      if (h.startsWith(real)) {
        return "an ancestor of " + named;
      }
      return null;
    }

    /** Device and inode of {@code real} and of each of its ancestors, from itself up. */
    private List<Object> chain(Path real) {
      List<Object> ids = new ArrayList<>();
      for (Path p = real; p != null; p = p.getParent()) {
        Object id = identity(p);
        if (id != null) {
          ids.add(id);
        }
      }
      return ids;
    }

    private Object identity(Path p) {
      return identities
          .computeIfAbsent(p, k -> Optional.ofNullable(SystemRoots.identity(k)))
          .orElse(null);
    }

    private Path cachedReal(Path p) {
      return reals.computeIfAbsent(p, SystemRoots::real);
    }

    /**
     * The type of the file system {@code real} (or its nearest existing ancestor) lies on, looked
     * up once per device: a device is one file system, and looking a type up reads the mount table.
     */
    private String fileSystemType(Path real) {
      for (Path p = real; p != null; p = p.getParent()) {
        Object device;
        try {
          device = Files.getAttribute(p, "unix:dev");
        } catch (IOException e) {
          continue; // as Files.exists says: not there (or not to be known), try the parent
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
          return SystemRoots.fileSystemType(real); // no device numbers here: look it up each time
        }
        final Path existing = p;
        return typeByDevice.computeIfAbsent(device, d -> SystemRoots.fileSystemType(existing));
      }
      return "";
    }
  }

  /** Device and inode of what {@code p} leads to, or null (missing, or no such key here). */
  static Object identity(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static String fileSystemType(Path real) {
    for (Path p = real; p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        try {
          return Objects.requireNonNullElse(Files.getFileStore(p).type(), "");
        } catch (IOException e) {
          return "";
        }
      }
    }
    return "";
  }

  /**
   * The real path (links resolved); for a missing path, its nearest existing ancestor's real path
   * and the rest, so that links above a path not created yet still count.
   */
  public static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (IOException e) {
      Path parent = abs.getParent();
      return parent == null ? abs : real(parent).resolve(abs.getFileName());
    }
  }
}
