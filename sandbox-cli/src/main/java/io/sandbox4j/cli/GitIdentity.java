package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.git.GlobalGitConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Git identity without secrets: a sanitized, read-only copy of the user's global git configuration
 * ({@link GlobalGitConfig}) in a per-run directory under {@code ~/.cache/sandbox4j/git}, outside
 * every writable root, granted read-only and named by {@code GIT_CONFIG_GLOBAL}. The directory is
 * removed after the run. Without a home or a global configuration, or when the user sets {@code
 * GIT_CONFIG_GLOBAL} with {@code --env}, the policy is left as it is.
 */
final class GitIdentity implements AutoCloseable {
  private final SandboxPolicy policy;
  private final Path dir;
  private final List<String> notes;

  private GitIdentity(SandboxPolicy policy, Path dir, List<String> notes) {
    this.policy = policy;
    this.dir = dir;
    this.notes = notes;
  }

  static GitIdentity apply(SandboxPolicy policy, Map<String, String> env) {
    String home = env.get("HOME");
    if (home == null
        || home.isBlank()
        || !Path.of(home).isAbsolute()
        || policy.process().envSet().containsKey("GIT_CONFIG_GLOBAL")
        || policy.process().envPass().contains("GIT_CONFIG_GLOBAL")) {
      return new GitIdentity(policy, null, List.of());
    }
    Path h = Path.of(home).normalize();
    if (policy.filesystem().privateTmp()
        && (h.startsWith("/tmp") || h.startsWith("/var/tmp"))
        && policy.filesystem().allWritableRoots().stream().noneMatch(h::startsWith)) {
      // the private /tmp would hide the copy, and git fails on a GIT_CONFIG_GLOBAL it cannot read
      return new GitIdentity(
          policy,
          null,
          List.of("git identity: HOME " + h + " is hidden by the private /tmp; no copy made"));
    }
    if (GlobalGitConfig.globalFiles(env, h).stream().noneMatch(Files::isRegularFile)) {
      return new GitIdentity(policy, null, List.of()); // no global configuration to copy
    }
    try {
      Path parent = Files.createDirectories(h.resolve(".cache/sandbox4j/git"));
      Path dir =
          Files.createTempDirectory(
              parent,
              "run-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path copy = dir.resolve("config");
      List<String> notes = GlobalGitConfig.writeCopy(GlobalGitConfig.globalFiles(env, h), copy);
      SandboxPolicy.Builder b =
          policy.toBuilder().grantRead(dir).setEnv("GIT_CONFIG_GLOBAL", copy.toString());
      Path realDir = dir.toRealPath();
      for (Path root : policy.filesystem().allWritableRoots()) {
        if (realDir.startsWith(root)) {
          b.denyWrite(dir); // the home is inside a writable root: the copy stays read-only
        }
      }
      return new GitIdentity(b.build(), dir, notes);
    } catch (IOException | UncheckedIOException e) {
      return new GitIdentity(
          policy,
          null,
          List.of("git identity: no sanitized global git configuration (" + e.getMessage() + ")"));
    }
  }

  SandboxPolicy policy() {
    return policy;
  }

  /** What was left out of the copy (entry names only), for --verbose or the report. */
  List<String> notes() {
    return notes;
  }

  /** Why no copy was made, if none was: worth a line on stderr. */
  List<String> problems() {
    return notes.stream().filter(n -> n.startsWith("git identity:")).toList();
  }

  @Override
  public void close() {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover copy holds no secret; the next run does not read it
    }
  }
}
