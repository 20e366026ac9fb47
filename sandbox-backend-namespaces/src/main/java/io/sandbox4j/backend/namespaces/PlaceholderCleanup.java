package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the empty placeholder directories that earlier versions of the filesystem isolator left
 * for default protected paths that did not exist (for example {@code .git} in a workspace that is
 * not a repository, or an empty {@code .git/config} directory that makes {@code git init} fail).
 * The isolator no longer creates any ({@link Quarantine} replaced them). Only empty directories are
 * removed, deepest first, so nothing a user or a command put there is touched; run it when no
 * sandbox of an earlier version uses the workspace (it may hold them as mount points).
 */
final class PlaceholderCleanup implements WorkspaceCleanup {

  @Override
  public String description() {
    return "namespaces placeholders";
  }

  @Override
  public List<String> cleanup(Path workspace) {
    Path root = workspace.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw SandboxException.invalid("workspace '" + root + "' is not an existing directory");
    }
    List<String> removed = new ArrayList<>();
    for (String name : io.sandbox4j.api.FilesystemPolicy.DEFAULT_PROTECTED_NAMES) {
      Path rel = Path.of(name);
      for (int depth = rel.getNameCount(); depth > 0; depth--) {
        Path p = root.resolve(rel.subpath(0, depth));
        if (removeIfEmptyDirectory(p)) {
          removed.add("removed empty placeholder " + p);
        }
      }
    }
    return removed;
  }

  private static boolean removeIfEmptyDirectory(Path p) {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      Files.delete(p);
      return true;
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot remove the placeholder " + p + ": " + e, e);
    }
  }
}
