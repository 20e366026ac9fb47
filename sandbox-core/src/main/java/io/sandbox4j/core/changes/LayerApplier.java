package io.sandbox4j.core.changes;

import io.sandbox4j.core.changes.Change.Kind;
import io.sandbox4j.core.changes.Change.Type;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes checked changes into the real tree: deletions (deepest first), new directories (shallowest
 * first), then each file or link written under a temporary name in its own directory and renamed
 * over the target (atomic per file), last the directories' modes (deepest first, so a directory
 * made read-only does not stop its own children). Modes are the permission bits; set-id and sticky
 * bits are not carried (Java cannot set them, and a command's set-id file has no place in the real
 * tree). Hard links in the layer become separate copies.
 */
final class LayerApplier {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Path upper;
  private final Path real;
  private Path upperReal;

  LayerApplier(Path upper, Path real) {
    this.upper = upper;
    this.real = real;
  }

  void apply(List<Change> changes) throws IOException {
    List<Change> deletions = new ArrayList<>();
    List<Change> dirs = new ArrayList<>();
    List<Change> entries = new ArrayList<>();
    for (Change c : changes) {
      if (c.type() == Type.OTHER && c.kind() != Kind.DELETED) {
        throw new IOException("cannot apply " + c.path() + ": not a file, directory or link");
      }
      if (c.kind() == Kind.DELETED) {
        deletions.add(c);
      } else if (c.type() == Type.DIRECTORY) {
        dirs.add(c);
      } else {
        entries.add(c);
      }
    }
    deletions.sort(Comparator.comparing(Change::path).reversed());
    for (Change c : deletions) {
      Files.deleteIfExists(inPlace(c));
    }
    for (Change c : dirs) {
      Path target = inPlace(c);
      if (c.kind() == Kind.ADDED) {
        Files.createDirectory(target);
      }
    }
    for (Change c : entries) {
      write(c);
    }
    List<Change> reversed = new ArrayList<>(dirs);
    reversed.sort(Comparator.comparing(Change::path).reversed());
    for (Change c : reversed) {
      Files.setPosixFilePermissions(inPlace(c), permissions(inLayer(c, LayerReader.S_IFDIR)));
    }
  }

  private void write(Change c) throws IOException {
    Path source = inLayer(c, c.type() == Type.SYMLINK ? LayerReader.S_IFLNK : LayerReader.S_IFREG);
    Path target = inPlace(c);
    byte[] random = new byte[4];
    RANDOM.nextBytes(random);
    Path tmp =
        target.resolveSibling(
            "." + target.getFileName() + ".sandbox4j-apply-" + HexFormat.of().formatHex(random));
    try {
      if (c.type() == Type.SYMLINK) {
        Files.createSymbolicLink(tmp, Files.readSymbolicLink(source));
      } else {
        // never through a link (a run continuing this change set may still be writing it): the
        // source opened with O_NOFOLLOW, the copy a new file of our own
        Set<PosixFilePermission> mode = permissions(source);
        try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
            OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
          in.transferTo(out);
        }
        Files.setPosixFilePermissions(tmp, mode);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The real path of a change, after checking that no link on its way leads elsewhere (checked
   * before as a conflict; again here, just before the write, for a link made since).
   */
  private Path inPlace(Change c) throws IOException {
    Path target = real.resolve(c.path());
    Path parent = target.getParent();
    if (!parent.toRealPath().equals(parent)) {
      throw new IOException(
          "the parent of " + Change.quote(c.path()) + " became a link to " + parent.toRealPath());
    }
    return target;
  }

  /**
   * The layer's entry of a change, after checking that it is still what was checked (a {@code run
   * --on} of this change set may be writing it) and that no link on its way leads out of the layer.
   */
  private Path inLayer(Change c, int format) throws IOException {
    Path source = upper.resolve(c.path());
    if (upperReal == null) {
      upperReal = upper.toRealPath();
    }
    Path parent = source.getParent();
    Map<String, Object> a = LayerReader.lstat(source);
    if (!parent.toRealPath().equals(upperReal.resolve(upper.relativize(parent)).normalize())
        || a == null
        || LayerReader.format(a) != format) {
      throw new IOException(
          Change.quote(c.path())
              + " in the layer changed since it was checked (is a run using it?)");
    }
    return source;
  }

  private static Set<PosixFilePermission> permissions(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        s.add(bits[i]);
      }
    }
    return s;
  }
}
