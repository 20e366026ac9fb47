package io.sandbox4j.api;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The entries that only root can read, found by their mode rather than listed: a command run by
 * root stays uid 0 inside its user namespace (the owner of those files) even without capabilities,
 * so the default policy denies them when the caller is root.
 */
final class RootOnlyFiles {
  /** The directories searched: system configuration, where the host keeps its secrets. */
  static final List<Path> SEARCHED = List.of(Path.of("/etc"));

  private static final int MAX_DEPTH = 8;
  private static final int MAX_ENTRIES = 20_000;

  private RootOnlyFiles() {}

  /** Whether this JVM runs as root (the owner of /proc/self is the effective uid). */
  static boolean callerIsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Entries beneath {@link #SEARCHED} that uid 0 or gid 0 can read and others cannot; a directory
   * found is not entered (denying it covers its contents). Links are not followed.
   */
  static List<Path> find() {
    List<Path> found = new ArrayList<>();
    int[] budget = {MAX_ENTRIES};
    for (Path dir : SEARCHED) {
      walk(dir, 0, found, budget);
    }
    return found;
  }

  private static void walk(Path dir, int depth, List<Path> found, int[] budget) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (--budget[0] < 0) {
          return;
        }
        PosixFileAttributes a;
        try {
          a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          continue;
        }
        if (a.isSymbolicLink()) {
          continue;
        }
        if (rootOnly(p, a.permissions())) {
          found.add(p);
        } else if (a.isDirectory() && depth < MAX_DEPTH) {
          walk(p, depth + 1, found, budget);
        }
      }
    } catch (IOException | SecurityException e) {
      // an unreadable directory holds nothing this account can read either
    }
  }

  private static boolean rootOnly(Path p, Set<PosixFilePermission> perms) {
    if (perms.contains(PosixFilePermission.OTHERS_READ)) {
      return false;
    }
    try {
      boolean rootOwner =
          Integer.valueOf(0).equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
      boolean rootGroup =
          Integer.valueOf(0).equals(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS));
      return (rootOwner && perms.contains(PosixFilePermission.OWNER_READ))
          || (rootGroup && perms.contains(PosixFilePermission.GROUP_READ));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
