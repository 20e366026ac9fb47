package io.sandbox4j.core.changes;

import io.sandbox4j.core.git.GlobalGitConfig;
import io.sandbox4j.core.git.HooksPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The directories inside the workspace that git runs hooks from through {@code core.hooksPath}: of
 * a repository enclosing the workspace, of each repository on a changed path's way (its {@code
 * .git} a directory or a {@code gitdir:} pointer), and of the user's global configuration. A
 * changed path there is protected like {@code .git/hooks}. A configuration that cannot be read
 * protects every path of its repository (fail closed).
 */
final class HookDirs {
  private final Path workspace;
  private final Path home;
  private final List<String> global;
  private final Map<String, List<String>> byRepo = new HashMap<>();
  private List<String> enclosing;

  HookDirs(Path workspace, Map<String, String> env, Path home) {
    this.workspace = workspace;
    this.home = home;
    List<String> g;
    try {
      g = HooksPaths.of(GlobalGitConfig.globalFiles(env, home));
    } catch (IOException e) {
      g = List.of("/"); // cannot tell: every path is protected
    }
    this.global = g;
  }

  /** Whether {@code path} (relative, '/'-separated) lies in, or is, a hooks directory. */
  boolean covers(String path) {
    if (enclosing == null) {
      enclosing = enclosingRepo();
    }
    if (within(path, enclosing)) {
      return true;
    }
    String prefix = "";
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length; i++) {
      if (within(path, byRepo.computeIfAbsent(prefix, this::repo))) {
        return true;
      }
      prefix = prefix.isEmpty() ? parts[i] : prefix + "/" + parts[i];
    }
    return false;
  }

  private boolean within(String path, List<String> dirs) {
    for (String d : dirs) {
      if (d.isEmpty() || path.equals(d) || path.startsWith(d + "/")) {
        return true;
      }
    }
    return false;
  }

  /** The hooks directories (workspace-relative) of a repository above the workspace. */
  private List<String> enclosingRepo() {
    for (Path a = workspace.getParent(); a != null; a = a.getParent()) {
      if (Files.exists(a.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        return dirs(a);
      }
    }
    return relative(global, workspace);
  }

  /** The hooks directories of the repository whose work tree is {@code prefix}, if it is one. */
  private List<String> repo(String prefix) {
    Path top = prefix.isEmpty() ? workspace : workspace.resolve(prefix);
    if (!Files.exists(top.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    return dirs(top);
  }

  private List<String> dirs(Path top) {
    Path dotGit = top.resolve(".git");
    List<String> values = new ArrayList<>(global);
    try {
      Path gitDir = dotGit;
      if (!Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) {
        String text = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
        if (!text.startsWith("gitdir:")) {
          return List.of("");
        }
        gitDir = top.resolve(text.substring("gitdir:".length()).strip());
      }
      values.addAll(HooksPaths.of(gitDir));
    } catch (IOException | RuntimeException e) {
      return List.of(""); // cannot tell where this repository's hooks lie: all of it
    }
    return relative(values, top);
  }

  /** Each value as a workspace-relative directory, where it lies inside the workspace. */
  private List<String> relative(List<String> values, Path top) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      Path p;
      if (v.equals("~") || v.startsWith("~/")) {
        p = home.resolve(v.substring(Math.min(2, v.length())));
      } else {
        p = top.resolve(v);
      }
      for (Path candidate : List.of(p.normalize(), real(p))) {
        if (candidate.startsWith(workspace)) {
          out.add(workspace.relativize(candidate).toString());
        } else if (workspace.startsWith(candidate)) {
          out.add(""); // the hooks directory holds the whole workspace
        }
      }
    }
    return out;
  }

  /** Where links on the way lead (the part that exists), else the path itself. */
  private static Path real(Path p) {
    Path missing = Path.of("");
    for (Path a = p.normalize(); a != null; a = a.getParent()) {
      try {
        return a.toRealPath().resolve(missing);
      } catch (IOException e) {
        missing = a.getFileName().resolve(missing);
      }
    }
    return p;
  }
}
