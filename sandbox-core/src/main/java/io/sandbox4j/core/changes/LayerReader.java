package io.sandbox4j.core.changes;

import io.sandbox4j.core.changes.Change.Kind;
import io.sandbox4j.core.changes.Change.Type;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an overlay upper directory (mounted with {@code userxattr}) as changes against the real
 * tree: a character device 0/0 is a whiteout (the path was deleted), a directory with {@code
 * user.overlay.opaque=y} replaced the real directory of that name (real entries it does not hold
 * were deleted), anything else is added or changed. Renames appear as a deletion plus an addition
 * (no {@code redirect_dir} in a user namespace). A file copied up but left as it was (same content
 * and mode) is no change.
 */
final class LayerReader {
  static final int S_IFMT = 0170000;
  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;
  static final int S_IFLNK = 0120000;
  static final int S_IFCHR = 0020000;

  private final Path upper;
  private final Path real;
  private final List<Change> changes = new ArrayList<>();

  private LayerReader(Path upper, Path real) {
    this.upper = upper;
    this.real = real;
  }

  /** The changes, sorted by path (a deletion before an addition at the same path). */
  static List<Change> read(Path upper, Path real) throws IOException {
    LayerReader r = new LayerReader(upper, real);
    r.walk("", false);
    r.changes.sort(
        (a, b) -> {
          int c = a.path().compareTo(b.path());
          return c != 0 ? c : Boolean.compare(a.kind() != Kind.DELETED, b.kind() != Kind.DELETED);
        });
    return List.copyOf(r.changes);
  }

  /** Lstat attributes, or null when the path does not exist. */
  static Map<String, Object> lstat(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    return Files.readAttributes(p, "unix:mode,rdev,size,ctime", LinkOption.NOFOLLOW_LINKS);
  }

  static int format(Map<String, Object> a) {
    return (Integer) a.get("mode") & S_IFMT;
  }

  static Type type(Map<String, Object> a) {
    return switch (format(a)) {
      case S_IFDIR -> Type.DIRECTORY;
      case S_IFREG -> Type.FILE;
      case S_IFLNK -> Type.SYMLINK;
      default -> Type.OTHER;
    };
  }

  static boolean whiteout(Map<String, Object> a) {
    return format(a) == S_IFCHR && ((Long) a.get("rdev")) == 0L;
  }

  static boolean opaque(Path dir) throws IOException {
    UserDefinedFileAttributeView v =
        Files.getFileAttributeView(
            dir, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (v == null || !v.list().contains("overlay.opaque")) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate(v.size("overlay.opaque"));
    v.read("overlay.opaque", b);
    return b.position() == 1 && b.get(0) == 'y';
  }

  private static String join(String rel, String name) {
    return rel.isEmpty() ? name : rel + "/" + name;
  }

  private static TreeSet<String> names(Path dir) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (name.indexOf('\uFFFD') >= 0) {
          // not valid UTF-8: the name cannot be shown, nor written back under the same bytes
          throw new IOException(
              "the name "
                  + Change.quote(name)
                  + " in "
                  + dir
                  + " is not valid UTF-8 (or holds U+FFFD): it cannot be shown or applied"
                  + " faithfully; discard the change set");
        }
        names.add(name);
      }
    }
    return names;
  }

  /** Walks the layer directory {@code rel}; {@code realGone}: nothing of it exists in the tree. */
  private void walk(String rel, boolean realGone) throws IOException {
    Path dir = rel.isEmpty() ? upper : upper.resolve(rel);
    for (String name : names(dir)) {
      String r = join(rel, name);
      Map<String, Object> up = lstat(upper.resolve(r));
      Map<String, Object> re = realGone ? null : lstat(real.resolve(r));
      if (whiteout(up)) {
        if (re != null) {
          deleted(r, re);
        }
        continue;
      }
      Type t = type(up);
      if (re != null && t == Type.DIRECTORY && type(re) == Type.DIRECTORY) {
        if (!perms(up).equals(perms(re))) {
          changes.add(new Change(r, Kind.CHANGED, t, 0));
        }
        if (opaque(upper.resolve(r))) {
          Set<String> kept = names(upper.resolve(r));
          for (String gone : names(real.resolve(r))) {
            if (!kept.contains(gone)) {
              deleted(join(r, gone), lstat(real.resolve(join(r, gone))));
            }
          }
        }
        walk(r, false);
        continue;
      }
      long size = t == Type.FILE ? (Long) up.get("size") : 0;
      if (re == null) {
        changes.add(new Change(r, Kind.ADDED, t, size));
      } else if (type(re) != t || t == Type.DIRECTORY || t == Type.OTHER) {
        // a different kind of entry replaces the real one: the real one goes first
        deleted(r, re);
        changes.add(new Change(r, Kind.ADDED, t, size));
      } else if (!same(upper.resolve(r), real.resolve(r), t)) {
        changes.add(new Change(r, Kind.CHANGED, t, size));
      }
      if (t == Type.DIRECTORY) {
        walk(r, true);
      }
    }
  }

  private static Integer perms(Map<String, Object> a) {
    return (Integer) a.get("mode") & 07777;
  }

  private static boolean same(Path a, Path b, Type t) throws IOException {
    if (t == Type.SYMLINK) {
      return Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b));
    }
    return perms(lstat(a)).equals(perms(lstat(b))) && Files.mismatch(a, b) == -1L;
  }

  /** The real entry {@code rel} and everything beneath it, deepest last. */
  private void deleted(String rel, Map<String, Object> attrs) throws IOException {
    Type t = type(attrs);
    changes.add(new Change(rel, Kind.DELETED, t, t == Type.FILE ? (Long) attrs.get("size") : 0));
    if (t == Type.DIRECTORY) {
      for (String name : names(real.resolve(rel))) {
        deleted(join(rel, name), lstat(real.resolve(join(rel, name))));
      }
    }
  }
}
