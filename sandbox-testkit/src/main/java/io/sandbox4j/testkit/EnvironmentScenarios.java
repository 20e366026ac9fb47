package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.PROC_ENV_SCRUB;
import static io.sandbox4j.testkit.Platform.ANY;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.nio.file.Files;
import java.util.List;
import java.util.function.UnaryOperator;

/** Environment scenarios: secrets inherited through variables, variables passed on purpose. */
final class EnvironmentScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    table
        .inCategory(Category.ENVIRONMENT)
        .judging(ANY, PROC_ENV_SCRUB)
        .row(
            "apiKeysAreDropped",
            "API keys and tokens in the caller's environment; a JVM program prints its"
                + " environment",
            ctx -> {
              inCallerEnvironment(
                  ctx,
                  name -> ctx.secret() + "-" + name,
                  "OPENAI_API_KEY",
                  "ANTHROPIC_API_KEY",
                  "AWS_SECRET_ACCESS_KEY",
                  "GITHUB_TOKEN",
                  "NPM_TOKEN",
                  "DATABASE_URL");
              ranWithoutSecret(
                  ctx,
                  ctx.run(ctx.probe("env")),
                  "the probe did not run or HOME was not passed",
                  "HOME=" + ctx.home());
            })
        .judging(LINUX, PROC_ENV_SCRUB)
        .row(
            "passedAndSetVariablesArrive",
            "a variable passed by name (--env NAME) and one set (--env NAME=VALUE) arrive;"
                + " a similar unlisted one does not",
            ctx -> {
              ctx.callerEnvironment().put("SBX4J_PASSED", "passed-value");
              ctx.callerEnvironment().put("SBX4J_PASSED_NOT", ctx.secret());
              SandboxPolicy p =
                  ctx.policy().passEnv("SBX4J_PASSED").setEnv("SBX4J_SET", "set-value").build();
              ranWithoutSecret(
                  ctx,
                  ctx.run(p, List.of("/usr/bin/env")),
                  "the passed or set variable is missing (over-blocked)",
                  "SBX4J_PASSED=passed-value",
                  "SBX4J_SET=set-value");
            })
        .row(
            "loaderAndAgentVariablesAreDropped",
            "LD_PRELOAD, SSH_AUTH_SOCK, BASH_ENV, GIT_SSH_COMMAND and the like are not"
                + " inherited",
            ctx -> {
              inCallerEnvironment(
                  ctx,
                  name -> "/nonexistent/" + ctx.secret() + ".so",
                  "LD_PRELOAD",
                  "LD_LIBRARY_PATH",
                  "SSH_AUTH_SOCK",
                  "BASH_ENV",
                  "GIT_SSH_COMMAND",
                  "PYTHONSTARTUP",
                  "DBUS_SESSION_BUS_ADDRESS");
              ranWithoutSecret(ctx, ctx.run(ctx.sh("env")), "env did not run", "PATH=");
            })
        .judging(LINUX, PROC_ENV_SCRUB, FS_READ_DENY)
        .row(
            "homeCredentialStoresAreUnreadable",
            "HOME points at a home other than the account's; its ~/.git-credentials,"
                + " ~/.npmrc and ~/.vault-token are read through ~",
            ctx -> {
              for (String store : List.of(".git-credentials", ".npmrc", ".vault-token")) {
                Files.writeString(ctx.home().resolve(store), "token=" + ctx.secret() + "\n");
              }
              SandboxResult r =
                  ctx.run(
                      ctx.sh(
                          "echo \"home=$HOME\"; cat ~/.git-credentials ~/.npmrc ~/.vault-token"));
              ranWithoutSecret(ctx, r, "HOME was not passed to the command", "home=" + ctx.home());
            });
  }

  /** Puts each of {@code names} into the caller's environment, with the value it maps to. */
  private static void inCallerEnvironment(
      ScenarioContext ctx, UnaryOperator<String> value, String... names) {
    for (String name : names) {
      ctx.callerEnvironment().put(name, value.apply(name));
    }
  }

  /**
   * The command ran (its output shows every one of {@code expected}, else it fails with {@code
   * ifNotRan}) and revealed no secret.
   */
  private static void ranWithoutSecret(
      ScenarioContext ctx, SandboxResult r, String ifNotRan, String... expected) {
    String out = r.stdoutText();
    ctx.check(List.of(expected).stream().allMatch(out::contains), ifNotRan + ": " + excerpt(r));
    FilesystemScenarios.noSecret(ctx, r);
  }
}
