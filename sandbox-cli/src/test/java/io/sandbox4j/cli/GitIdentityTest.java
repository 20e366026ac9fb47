package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.SandboxPolicy;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Git identity without secrets: the policy names a sanitized copy, and, for real, {@code git
 * commit} inside uses the user's identity while the token of the global configuration is not in
 * what the command can read. The fake home lies in the workspace (the real user's files are never
 * read; a home under the host's /tmp would be hidden by the private /tmp). Both ways ({@link
 * CliRunner}): the unit tests of GitIdentity do not depend on the mode.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "git's global configuration and the private /tmp as on Linux")
@ParameterizedClass
@EnumSource(CliRunner.Mode.class)
class GitIdentityTest {
  @RegisterExtension static final CliRunner CLI = new CliRunner();
  @Parameter CliRunner.Mode mode;
  @TempDir Path dir;

  /** XDG_CACHE_HOME, outside the workspace: the engine's directory may not be writable. */
  @TempDir Path cache;

  private static final String GITCONFIG =
      "[user]\n\tname = Ada Example\n\temail = ada@example.test\n"
          + "[url \"https://x-access-token:ghp_ABCDEFGHIJKLMNOP1234@git.corp.test/\"]\n"
          + "\tinsteadOf = https://git.corp.test/\n"
          + "[http]\n\textraheader = AUTHORIZATION: bearer SECRETSECRET\n"
          + "[credential]\n\thelper = store --file /x/creds\n";

  @Test
  void thePolicyNamesAReadOnlyGrantedCopyThatIsRemovedAfterTheRun() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path home = Files.createDirectories(ws.resolve("home"));
    Files.writeString(home.resolve(".gitconfig"), GITCONFIG);
    SandboxPolicy policy = SandboxPolicy.defaults(ws);
    Path copy;
    try (GitIdentity g = GitIdentity.apply(policy, Map.of("HOME", home.toString()))) {
      copy = Path.of(g.policy().process().envSet().get("GIT_CONFIG_GLOBAL"));
      assertThat(copy).startsWith(home.resolve(".cache/sandbox4j/git"));
      assertThat(g.policy().filesystem().readGrants()).containsExactly(copy.getParent());
      assertThat(Files.readString(copy)).contains("Ada Example").doesNotContain("ghp_", "SECRET");
      assertThat(g.notes()).anySatisfy(n -> assertThat(n).contains("credential.helper"));
      // the home lies in the workspace here: the copy is kept read-only there
      assertThat(g.policy().filesystem().protectedPaths()).contains(copy.getParent());
    }
    assertThat(copy.getParent()).doesNotExist();
  }

  @Test
  void aHomeThePrivateTmpHidesGetsNoCopyRatherThanAnUnreadableOne() {
    SandboxPolicy policy = SandboxPolicy.defaults(dir);
    try (GitIdentity g = GitIdentity.apply(policy, Map.of("HOME", "/tmp/elsewhere/home"))) {
      assertThat(g.policy()).isSameAs(policy);
      assertThat(g.notes()).singleElement().asString().contains("hidden by the private /tmp");
    }
  }

  @Test
  void withoutAGlobalConfigurationNothingIsWritten() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path home = Files.createDirectories(ws.resolve("home"));
    SandboxPolicy policy = SandboxPolicy.defaults(ws);
    try (GitIdentity g = GitIdentity.apply(policy, Map.of("HOME", home.toString()))) {
      assertThat(g.policy()).isSameAs(policy);
      assertThat(g.problems()).isEmpty();
    }
    assertThat(home.resolve(".cache")).doesNotExist();
  }

  @Test
  void aUserGivenGitConfigGlobalIsLeftAlone() {
    SandboxPolicy policy =
        SandboxPolicy.builder(dir).setEnv("GIT_CONFIG_GLOBAL", "/dev/null").build();
    try (GitIdentity g = GitIdentity.apply(policy, Map.of("HOME", dir.toString()))) {
      assertThat(g.policy()).isSameAs(policy);
    }
  }

  @Test
  void gitCommitInsideUsesTheUsersIdentityAndNeverSeesTheToken() throws Exception {
    Path git = Path.of("/usr/bin/git");
    Assumptions.assumeTrue(Files.isExecutable(git), "git is not installed at /usr/bin/git");
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path home = Files.createDirectories(ws.resolve("home"));
    Files.writeString(home.resolve(".gitconfig"), GITCONFIG);
    Files.createDirectories(ws.resolve("repo"));
    Map<String, String> env =
        Map.of(
            "PATH",
            "/usr/bin:/bin",
            "HOME",
            home.toString(),
            "LANG",
            "C.UTF-8",
            "XDG_CACHE_HOME",
            cache.toString());
    StringWriter err = new StringWriter();
    int exit =
        CLI.executeWithRealBackends(
            mode,
            env,
            ws,
            err,
            "run",
            "--",
            "sh",
            "-c",
            "cd repo && git init -q . && git commit -q --allow-empty -m m"
                + " && git log -1 --format=%an:%ae > ../who;"
                + " cat \"$GIT_CONFIG_GLOBAL\" > ../seen; git config --global --list >> ../seen;"
                + " (echo x >> \"$GIT_CONFIG_GLOBAL\") 2>/dev/null || echo refused > ../write");
    Assumptions.assumeFalse(exit == 125, "the sandbox cannot run here: " + err);
    assertThat(exit).as(err.toString()).isZero();
    assertThat(Files.readString(ws.resolve("who")).strip())
        .isEqualTo("Ada Example:ada@example.test");
    assertThat(Files.readString(ws.resolve("seen")))
        .contains("user.email=ada@example.test")
        .doesNotContain("ghp_", "SECRETSECRET", "insteadof", "credential");
    assertThat(ws.resolve("write")).hasContent("refused\n");
    try (Stream<Path> left = Files.list(home.resolve(".cache/sandbox4j/git"))) {
      assertThat(left).as("the per-run copy is removed").isEmpty();
    }
  }
}
