package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What the command may read and write.
 *
 * <p>All paths are absolute and normalized; links are not resolved here (isolators resolve what
 * they need, at the moment they apply their rules).
 *
 * @param workspace writable root and default working directory
 * @param writableRoots extra writable roots
 * @param readAllow when not empty, reads are limited to these paths plus what programs need to run
 * @param readDeny paths whose contents must not be readable
 * @param writeDeny paths that stay read-only even inside writable roots
 * @param protectedNames paths relative to every writable root that stay read-only (by default
 *     {@code .git/hooks}, {@code .git/config} and the sandbox's own {@code .sandbox4j} directory)
 * @param privateTmp whether the command gets a private temporary directory
 * @param systemWriteOptIns system directories (see {@link SystemRoots}) that may be writable roots
 *     all the same: the explicit opt-in; it makes nothing writable by itself
 * @param privateHomes home directories hidden from the command: nothing in them can be read or
 *     listed except {@link #visibleInPrivateHomes()}; the read deny-list still applies there
 * @param readGrants paths that stay readable inside a private home; unlike {@code readAllow} they
 *     do not limit reads elsewhere
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record FilesystemPolicy(
    Path workspace,
    List<Path> writableRoots,
    List<Path> readAllow,
    List<Path> readDeny,
    List<Path> writeDeny,
    List<String> protectedNames,
    boolean privateTmp,
    List<Path> systemWriteOptIns,
    List<Path> privateHomes,
    List<Path> readGrants) {

  /** The relative paths that stay read-only inside every writable root unless a policy says so. */
  public static final List<String> DEFAULT_PROTECTED_NAMES =
      List.of(".git/hooks", ".git/config", ".sandbox4j");

  private static final Path ROOT = Path.of("/");

  public FilesystemPolicy {
    workspace = Paths.absolute("workspace", workspace);
    writableRoots = Paths.absoluteList("allow-write", writableRoots);
    readAllow = Paths.absoluteList("allow-read", readAllow);
    readDeny = Paths.absoluteList("deny-read", readDeny);
    writeDeny = Paths.absoluteList("deny-write", writeDeny);
    protectedNames = List.copyOf(protectedNames);
    systemWriteOptIns = Paths.absoluteList("allow-system-write", systemWriteOptIns);
    privateHomes = Paths.absoluteList("private home", privateHomes);
    readGrants = Paths.absoluteList("grant-read", readGrants);
    if (writableRoots.contains(ROOT) || workspace.equals(ROOT)) {
      // "/" holds /proc, /sys and /dev, which stay read-only even when "/" is opted in
      List<Path> deny = new ArrayList<>(writeDeny);
      for (Path p : SystemRoots.NEVER_WRITABLE) {
        if (!deny.contains(p)) {
          deny.add(p);
        }
      }
      writeDeny = List.copyOf(deny);
    }
    for (String name : protectedNames) {
      if (name.isBlank()
          || name.contains("..")
          || !beneathEveryRoot(name, workspace, writableRoots)) {
        throw SandboxException.invalid(
            "protected name '" + name + "' must be a relative path without '..'");
      }
    }
  }

  /**
   * Whether {@code name} names something strictly beneath the workspace and each writable root,
   * parsed by their own file system: on Windows {@code C:\x}, {@code \x} and {@code D:x} are not
   * relative although they hold no {@code ..}.
   */
  private static boolean beneathEveryRoot(String name, Path workspace, List<Path> writableRoots) {
    List<Path> roots = new ArrayList<>(writableRoots);
    roots.add(workspace);
    for (Path root : roots) {
      Path p;
      try {
        Path n = root.getFileSystem().getPath(name);
        if (n.isAbsolute() || n.getRoot() != null) {
          return false;
        }
        p = root.resolve(n).normalize();
      } catch (InvalidPathException e) {
        return false;
      }
      if (!p.startsWith(root) || p.equals(root)) {
        return false;
      }
    }
    return true;
  }

  /** The workspace followed by the extra writable roots, without duplicates. */
  public List<Path> allWritableRoots() {
    LinkedHashSet<Path> roots = new LinkedHashSet<>();
    roots.add(workspace);
    roots.addAll(writableRoots);
    return List.copyOf(roots);
  }

  /**
   * What stays visible inside the {@link #privateHomes()}: the writable roots, read grants and read
   * allow-list entries that lie in one of them, shallowest first. Backends resolve links
   * themselves.
   */
  public List<Path> visibleInPrivateHomes() {
    LinkedHashSet<Path> all = new LinkedHashSet<>(allWritableRoots());
    all.addAll(readGrants);
    all.addAll(readAllow);
    List<Path> out = new ArrayList<>();
    for (Path p : all) {
      for (Path home : privateHomes) {
        if (p.startsWith(home)) {
          out.add(p);
          break;
        }
      }
    }
    out.sort(Comparator.comparingInt(Path::getNameCount));
    return List.copyOf(out);
  }

  /**
   * Every path that must stay read-only: the write deny-list, then each protected name beneath each
   * writable root (whether or not it exists yet: a command must not be able to create it either).
   */
  public List<Path> protectedPaths() {
    LinkedHashSet<Path> paths = new LinkedHashSet<>(writeDeny);
    for (Path root : allWritableRoots()) {
      for (String name : protectedNames) {
        paths.add(root.resolve(name).normalize());
      }
    }
    return List.copyOf(paths);
  }

  static final class Paths {
    private Paths() {}

    static Path absolute(String what, Path p) {
      if (p == null) {
        throw SandboxException.invalid(what + ": path is missing");
      }
      if (!p.isAbsolute()) {
        throw SandboxException.invalid(what + ": path '" + p + "' must be absolute");
      }
      return p.normalize();
    }

    static List<Path> absoluteList(String what, List<Path> in) {
      List<Path> out = new ArrayList<>(in.size());
      for (Path p : in) {
        Path n = absolute(what, p);
        if (!out.contains(n)) {
          out.add(n);
        }
      }
      return List.copyOf(out);
    }
  }
}
