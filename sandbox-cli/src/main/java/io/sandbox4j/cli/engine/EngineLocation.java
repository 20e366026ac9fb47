package io.sandbox4j.cli.engine;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Where an engine's socket, lock and log live (docs/engine-protocol.md, "Where the socket is"): a
 * private directory under {@code $XDG_RUNTIME_DIR} or the cache, and a name derived from the real
 * path of the {@code sandbox} script, so that each installation has its own engine per user.
 */
record EngineLocation(Path directory, String id) {

  static EngineLocation of(Map<String, String> env, String scriptRealPath) {
    return new EngineLocation(directory(env), id(scriptRealPath));
  }

  Path socket() {
    return directory.resolve("engine-" + id + ".sock");
  }

  Path lock() {
    return directory.resolve("engine-" + id + ".lock");
  }

  Path log() {
    return directory.resolve("engine-" + id + ".log");
  }

  /** The 64-bit FNV-1a hash of the path's bytes, as 16 lowercase hex digits. */
  static String id(String scriptRealPath) {
    long h = 0xcbf29ce484222325L;
    for (byte b : scriptRealPath.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return String.format("%016x", h);
  }

  /**
   * {@code $XDG_RUNTIME_DIR/sandbox4j} when that variable names an absolute directory of this user
   * that group and others cannot write; otherwise {@code $XDG_CACHE_HOME/sandbox4j/engine} or
   * {@code $HOME/.cache/sandbox4j/engine}.
   */
  static Path directory(Map<String, String> env) {
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && runtime.startsWith("/")) {
      Path r = Path.of(runtime);
      if (ownedAndClosed(
          r, Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE))) {
        return r.resolve("sandbox4j");
      }
    }
    String cache = env.get("XDG_CACHE_HOME");
    Path base;
    if (cache != null && cache.startsWith("/")) {
      base = Path.of(cache);
    } else {
      String home = env.get("HOME");
      base =
          Path.of(
              home != null && !home.isEmpty() ? home : System.getProperty("user.home"), ".cache");
    }
    return base.resolve("sandbox4j").resolve("engine");
  }

  /**
   * Creates the directory (0700, parents too) and checks it: owned by this user, no group or other
   * permission bits.
   *
   * @throws SandboxException (exit 125) naming the directory and what is wrong
   */
  void prepare() {
    try {
      if (!Files.isDirectory(directory)) {
        createPrivate(directory);
      }
    } catch (IOException e) {
      throw SandboxException.cannotSandbox(
          "cannot create the engine's directory " + directory + ": " + e.getMessage(), e);
    }
    String problem = problem(directory);
    if (problem != null) {
      throw SandboxException.cannotSandbox(problem);
    }
  }

  /** What is wrong with the directory for an engine, or null when it is private to this user. */
  static String problem(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return "the engine's directory " + dir + " is not a directory";
    }
    if (!ownedAndClosed(
        dir,
        Set.of(PosixFilePermission.values()).stream()
            .filter(p -> !p.name().startsWith("OWNER"))
            .collect(java.util.stream.Collectors.toSet()))) {
      return "the engine's directory "
          + dir
          + " belongs to another user or grants group or other permissions: remove it, or fix"
          + " it with chmod 700";
    }
    return null;
  }

  private static void createPrivate(Path dir) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createPrivate(parent);
    }
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      // the umask may have taken bits away, never added: set exactly 0700
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // made meanwhile: checked like any existing directory
    }
  }

  private static boolean ownedAndClosed(Path dir, Set<PosixFilePermission> forbidden) {
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      return owner == EngineServer.uid() && perms.stream().noneMatch(forbidden::contains);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
