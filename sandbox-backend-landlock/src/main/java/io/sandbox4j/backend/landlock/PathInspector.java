package io.sandbox4j.backend.landlock;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** The few filesystem facts the planner needs, behind a seam so rule sets are testable exactly. */
interface PathInspector {

  /**
   * The real path: every symbolic link resolved. For a path that does not exist, the real path of
   * its deepest existing ancestor followed by the remaining names.
   */
  Path realPath(Path path);

  /** Whether the path exists (following links). */
  boolean exists(Path path);

  /** Whether the path is a directory that is not itself a symbolic link. */
  boolean isDirectory(Path path);

  /** Whether the path is itself a symbolic link. */
  boolean isSymbolicLink(Path path);

  /** The entries of a directory, sorted; empty when it cannot be listed. */
  List<Path> children(Path directory);

  /**
   * Other paths that show a real path (or part of it) through another mount of its file system
   * ({@link io.sandbox4j.launcher.linux.MountAliases}); none by default.
   */
  default List<Path> mountAliases(Path realPath) {
    return List.of();
  }

  /**
   * {@link #mountAliases} against one reading of the mount table, for the lookups of one plan: the
   * table is read once per plan instead of once per path, and never reused by a later plan (a mount
   * made since would be missed).
   */
  default Function<Path, List<Path>> mountAliasesNow() {
    return this::mountAliases;
  }
}
