package io.sandbox4j.cli.engine;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.SystemRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a sandboxed command from writing the engine's directory: one that could would remove or
 * replace the socket, lock or log, and the next {@code run} (in-JVM or engine-served) would talk to
 * whatever it left there. Checked on both paths, before anything runs, as the launcher's cache is
 * protected (NativeLauncher.refuseIfWritableBySandbox).
 */
public final class EngineDirectoryGuard {
  private EngineDirectoryGuard() {}

  /**
   * Refuses (exit 2, with the way out) a run whose writable roots, as real paths, hold the engine
   * directory of the caller's environment {@code env} or lie inside it. The run's private TMPDIR
   * needs no check here: it is made afresh for each run, so it holds no existing directory.
   *
   * @throws SandboxException (exit 2) naming the directory and the root
   */
  public static void refuseIfWritable(SandboxPolicy policy, Map<String, String> env) {
    Path directory = EngineLocation.directory(env);
    Path real = SystemRoots.real(directory);
    // a bind mount names the same directory under another real path: compare device and inode too
    Set<Object> above = identitiesUpFrom(real);
    Object own = identity(real);
    // a cache's copy-on-write layer takes the command's writes too, wherever links lead it (an
    // earlier run may have left one in place of the layer)
    List<Path> roots = new ArrayList<>(policy.filesystem().allWritableRoots());
    policy.cacheLayers().forEach(l -> roots.add(l.directory()));
    for (Path root : roots) {
      Path r = SystemRoots.real(root);
      boolean beneath = real.startsWith(r) || above.contains(identity(r));
      if (beneath || r.startsWith(real) || (own != null && identitiesUpFrom(r).contains(own))) {
        throw SandboxException.invalid(
            "the engine's directory "
                + real
                + (beneath ? " lies beneath " : " holds ")
                + root
                + ", which the sandboxed command may write (it could replace the engine's socket,"
                + " lock or log): point XDG_RUNTIME_DIR (or, without it, XDG_CACHE_HOME) at a"
                + " directory outside the writable roots, or choose a workspace and writable roots"
                + " that do not hold it");
      }
    }
  }

  /** Device and inode of {@code real} and of each existing ancestor (a missing one is skipped). */
  private static Set<Object> identitiesUpFrom(Path real) {
    Set<Object> ids = new HashSet<>();
    for (Path p = real; p != null; p = p.getParent()) {
      Object id = identity(p);
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** Device and inode of what {@code p} leads to, or null (missing, or no such key here). */
  private static Object identity(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }
}
