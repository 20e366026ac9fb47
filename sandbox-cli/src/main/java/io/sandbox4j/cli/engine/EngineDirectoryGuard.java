package io.sandbox4j.cli.engine;

import io.sandbox4j.api.Ancestry;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a sandboxed command from writing the engine's directory: one that could would remove or
 * replace the socket, lock or log, and the next {@code run} (in-JVM or engine-served) would talk to
 * whatever it left there. Checked on both paths, before anything runs, as the launcher's cache is
 * protected (NativeLauncher.refuseIfWritableBySandbox).
 */
public final class EngineDirectoryGuard {
  private EngineDirectoryGuard() {}

  /**
   * Refuses (exit 2, with the way out) a run whose writable roots, by real path or by device and
   * inode ({@link Ancestry}), hold the engine directory of the caller's environment {@code env} or
   * lie inside it. The run's private TMPDIR needs no check here: it is made afresh for each run, so
   * it holds no existing directory.
   *
   * @throws SandboxException (exit 2) naming the directory and the root
   */
  public static void refuseIfWritable(SandboxPolicy policy, Map<String, String> env) {
    Path directory = EngineLocation.directory(env);
    // a bind mount names the same directory under another real path: compare device and inode too
    Ancestry engine = Ancestry.of(directory);
    // a cache's copy-on-write layer takes the command's writes too, wherever links lead it (an
    // earlier run may have left one in place of the layer)
    List<Path> roots = new ArrayList<>(policy.filesystem().allWritableRoots());
    policy.cacheLayers().forEach(l -> roots.add(l.directory()));
    // one pass: each root resolved once (a walk per root took tens of ms with 1000 roots)
    Optional<Path> found = Ancestry.firstReaching(roots, List.of(engine));
    if (found.isPresent()) {
      Path root = found.get();
      throw SandboxException.invalid(
          "the engine's directory "
              + engine.real()
              + (engine.isHeldBy(root) ? " lies beneath " : " holds ")
              + root
              + ", which the sandboxed command may write (it could replace the engine's socket,"
              + " lock or log): point XDG_RUNTIME_DIR (or, without it, XDG_CACHE_HOME) at a"
              + " directory outside the writable roots, or choose a workspace and writable roots"
              + " that do not hold it");
    }
  }
}
