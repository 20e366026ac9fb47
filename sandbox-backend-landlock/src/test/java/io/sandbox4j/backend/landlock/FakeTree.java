package io.sandbox4j.backend.landlock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory directory tree with symbolic links, for exact rule-set expectations. */
final class FakeTree implements PathInspector {
  private enum Kind {
    DIR,
    FILE,
    LINK
  }

  private final Map<Path, Kind> kinds = new TreeMap<>();
  private final Map<Path, Path> links = new TreeMap<>();

  FakeTree() {
    kinds.put(Path.of("/"), Kind.DIR);
  }

  FakeTree dir(String... paths) {
    for (String p : paths) {
      add(Path.of(p), Kind.DIR);
    }
    return this;
  }

  FakeTree file(String... paths) {
    for (String p : paths) {
      add(Path.of(p), Kind.FILE);
    }
    return this;
  }

  /** A symbolic link at {@code path} to the absolute {@code target}. */
  FakeTree link(String path, String target) {
    add(Path.of(path), Kind.LINK);
    links.put(Path.of(path), Path.of(target));
    return this;
  }

  private io.sandbox4j.launcher.linux.MountAliases mounts =
      io.sandbox4j.launcher.linux.MountAliases.parse("");

  /** The mount table ({@code mountinfo} lines) that {@link #mountAliases} reads. */
  FakeTree mounts(String... mountinfo) {
    mounts = io.sandbox4j.launcher.linux.MountAliases.parse(String.join("\n", mountinfo));
    return this;
  }

  @Override
  public List<Path> mountAliases(Path realPath) {
    return mounts.of(realPath);
  }

  private void add(Path p, Kind kind) {
    Path parent = p.getParent();
    if (parent != null && !kinds.containsKey(parent)) {
      add(parent, Kind.DIR);
    }
    kinds.put(p, kind);
  }

  @Override
  public Path realPath(Path path) {
    Path current = Path.of("/");
    int hops = 0;
    List<Path> names = new ArrayList<>();
    path.normalize().forEach(names::add);
    for (int i = 0; i < names.size(); i++) {
      Path next = current.resolve(names.get(i));
      Kind k = kinds.get(next);
      if (k == null) {
        Path rest = next;
        for (int j = i + 1; j < names.size(); j++) {
          rest = rest.resolve(names.get(j));
        }
        return rest.normalize();
      }
      if (k == Kind.LINK) {
        if (++hops > 40) {
          throw new IllegalStateException("link loop at " + next);
        }
        Path target = realPath(links.get(next));
        current = target;
      } else {
        current = next;
      }
    }
    return current;
  }

  @Override
  public boolean exists(Path path) {
    return kinds.containsKey(realPath(path));
  }

  @Override
  public boolean isDirectory(Path path) {
    return kinds.get(path) == Kind.DIR;
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return kinds.get(path) == Kind.LINK;
  }

  @Override
  public List<Path> children(Path directory) {
    List<Path> out = new ArrayList<>();
    for (Path p : kinds.keySet()) {
      if (directory.equals(p.getParent())) {
        out.add(p);
      }
    }
    return out;
  }
}
