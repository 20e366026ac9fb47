package io.sandbox4j.api;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /** How long one search is reused: it costs about 20 ms over a Debian /etc. */
  private static final long FRESH_NANOS = 10_000_000_000L;

  /** The last search: a cache of host facts, not per-run state (runs only read it). */
  private record Search(List<Path> found, long at) {}

  private static volatile Search last;

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
    Search s = last;
    long now = System.nanoTime();
    if (s == null || now - s.at() >= FRESH_NANOS) {
      s = new Search(search(), now);
      last = s;
    }
    return s.found();
  }

  private static List<Path> search() {
    List<Path> found = new ArrayList<>();
    int[] budget = {MAX_ENTRIES};
    for (Path dir : SEARCHED) {
      walk(dir, 0, found, budget);
    }
    return List.copyOf(found);
  }

  private static void walk(Path dir, int depth, List<Path> found, int[] budget) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (--budget[0] < 0) {
          return;
        }
        Map<String, Object> a;
        try {
          // one lstat for mode, owner and group
          a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
          continue;
        }
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        if (type == 0120000) {
          continue; // a link: what it names is judged where it lies
        }
        boolean rootOnly =
            (mode & 0004) == 0
                && ((Integer.valueOf(0).equals(a.get("uid")) && (mode & 0400) != 0)
                    || (Integer.valueOf(0).equals(a.get("gid")) && (mode & 0040) != 0));
        if (rootOnly) {
          found.add(p);
        } else if (type == 0040000 && depth < MAX_DEPTH) {
          walk(p, depth + 1, found, budget);
        }
      }
    } catch (IOException | SecurityException e) {
      // an unreadable directory holds nothing this account can read either
    }
  }
}
