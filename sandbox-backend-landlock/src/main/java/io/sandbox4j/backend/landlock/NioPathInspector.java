package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.MountAliases;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** {@link PathInspector} on the real filesystem. */
final class NioPathInspector implements PathInspector {

  /** Bound on entries read from one directory: a pathological directory must not stall a launch. */
  static final int MAX_CHILDREN = 10_000;

  @Override
  public Path realPath(Path path) {
    Path p = path.toAbsolutePath().normalize();
    Path missing = null;
    while (p != null) {
      try {
        Path real = p.toRealPath();
        return missing == null ? real : real.resolve(missing).normalize();
      } catch (IOException e) {
        Path name = p.getFileName();
        if (name == null) {
          return path.toAbsolutePath().normalize();
        }
        missing = missing == null ? name : name.resolve(missing);
        p = p.getParent();
      }
    }
    return path.toAbsolutePath().normalize();
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public boolean isDirectory(Path path) {
    return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return Files.isSymbolicLink(path);
  }

  @Override
  public List<Path> children(Path directory) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (out.size() >= MAX_CHILDREN) {
          throw SandboxException.cannotSandbox(
              "directory "
                  + directory
                  + " has more than "
                  + MAX_CHILDREN
                  + " entries: too many Landlock rules to build a read deny-list around it");
        }
        out.add(entry);
      }
    } catch (IOException e) {
      return List.of();
    }
    Collections.sort(out);
    return out;
  }

  @Override
  public List<Path> mountAliases(Path realPath) {
    return MountAliases.current().existing(realPath);
  }

  @Override
  public Function<Path, List<Path>> mountAliasesNow() {
    return MountAliases.current()::existing;
  }
}
