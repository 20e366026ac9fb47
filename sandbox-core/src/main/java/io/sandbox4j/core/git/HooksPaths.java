package io.sandbox4j.core.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The {@code core.hooksPath} values git would read for a repository: what {@code sandbox changes
 * apply} must treat as a hooks directory (issue 14 red team: a repository with {@code
 * core.hooksPath = .githooks} ran a hook an applied change set planted there).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class HooksPaths {
  private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private HooksPaths() {}

  /**
   * The values in the configuration of git directory {@code gitDir} and of its common directory (a
   * linked work tree's), in the order written.
   *
   * @throws IOException when a configuration exists but cannot be read or parsed (the caller cannot
   *     tell where hooks lie)
   */
  public static List<String> of(Path gitDir) throws IOException {
    List<String> out = new ArrayList<>(values(gitDir.resolve("config"), 0));
    Path commondir = gitDir.resolve("commondir");
    if (Files.exists(commondir, LinkOption.NOFOLLOW_LINKS)) {
      String c = new String(GitSweep.readRegular(commondir, 4096), StandardCharsets.UTF_8).strip();
      out.addAll(values(gitDir.resolve(c).resolve("config"), 0));
    }
    return out;
  }

  /** The values in the given configuration files (those that exist), e.g. the global ones. */
  public static List<String> of(List<Path> configFiles) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path f : configFiles) {
      out.addAll(values(f, 0));
    }
    return out;
  }

  /** The values in {@code config} and in the files it includes (include.path, includeIf). */
  private static List<String> values(Path config, int depth) throws IOException {
    if (depth > 10) {
      throw new IOException("includes nest too deep at " + config);
    }
    if (!Files.exists(config, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    // a link to a configuration is read through: git follows it too
    Path file = Files.isSymbolicLink(config) ? config.toRealPath() : config;
    List<GitConfig.Entry> entries;
    try {
      entries =
          GitConfig.parse(
              new String(GitSweep.readRegular(file, MAX_CONFIG_BYTES), StandardCharsets.UTF_8));
    } catch (GitConfig.Syntax e) {
      throw new IOException("cannot parse " + config + ": " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    for (GitConfig.Entry e : entries) {
      if (e.section().equals("core")
          && e.subsection() == null
          && e.key().equals("hookspath")
          && e.value() != null
          && !e.value().isEmpty()) {
        out.add(e.value());
      }
      if ((e.section().equals("include") || e.section().equals("includeif"))
          && e.key().equals("path")
          && e.value() != null
          && !e.value().isEmpty()) {
        // whether an includeIf applies does not matter: a hooks path it may add is protected
        String v = e.value();
        Path inc =
            v.startsWith("~/")
                ? Path.of(System.getProperty("user.home")).resolve(v.substring(2))
                : file.getParent().resolve(v);
        out.addAll(values(inc, depth + 1));
      }
    }
    return out;
  }
}
