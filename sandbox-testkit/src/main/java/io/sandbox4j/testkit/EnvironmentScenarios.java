package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.PROC_ENV_SCRUB;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Environment scenarios: secrets inherited through variables, variables passed on purpose. */
final class EnvironmentScenarios {
  private EnvironmentScenarios() {}

  static List<Scenario> all() {
    return List.of(
        Scenario.builder("apiKeysAreDropped")
            .judges(PROC_ENV_SCRUB)
            .category(Category.ENVIRONMENT)
            .description(
                "API keys and tokens in the caller's environment; a JVM program prints its"
                    + " environment")
            .body(
                ctx -> {
                  for (String name :
                      List.of(
                          "OPENAI_API_KEY",
                          "ANTHROPIC_API_KEY",
                          "AWS_SECRET_ACCESS_KEY",
                          "GITHUB_TOKEN",
                          "NPM_TOKEN",
                          "DATABASE_URL")) {
                    ctx.callerEnvironment().put(name, ctx.secret() + "-" + name);
                  }
                  SandboxResult r = ctx.run(ctx.probe("env"));
                  ctx.check(
                      r.stdoutText().contains("HOME=" + ctx.home()),
                      "the probe did not run or HOME was not passed: " + excerpt(r));
                  FilesystemScenarios.noSecret(ctx, r);
                }),
        Scenario.builder("passedAndSetVariablesArrive")
            .judges(PROC_ENV_SCRUB)
            .category(Category.ENVIRONMENT)
            .linux()
            .description(
                "a variable passed by name (--env NAME) and one set (--env NAME=VALUE) arrive;"
                    + " a similar unlisted one does not")
            .body(
                ctx -> {
                  ctx.callerEnvironment().put("SBX4J_PASSED", "passed-value");
                  ctx.callerEnvironment().put("SBX4J_PASSED_NOT", ctx.secret());
                  SandboxPolicy p =
                      ctx.policy().passEnv("SBX4J_PASSED").setEnv("SBX4J_SET", "set-value").build();
                  SandboxResult r = ctx.run(p, List.of("/usr/bin/env"));
                  String out = r.stdoutText();
                  ctx.check(
                      out.contains("SBX4J_PASSED=passed-value")
                          && out.contains("SBX4J_SET=set-value"),
                      "the passed or set variable is missing (over-blocked): " + excerpt(r));
                  FilesystemScenarios.noSecret(ctx, r);
                }),
        Scenario.builder("loaderAndAgentVariablesAreDropped")
            .judges(PROC_ENV_SCRUB)
            .category(Category.ENVIRONMENT)
            .linux()
            .description(
                "LD_PRELOAD, SSH_AUTH_SOCK, BASH_ENV, GIT_SSH_COMMAND and the like are not"
                    + " inherited")
            .body(
                ctx -> {
                  for (String name :
                      List.of(
                          "LD_PRELOAD",
                          "LD_LIBRARY_PATH",
                          "SSH_AUTH_SOCK",
                          "BASH_ENV",
                          "GIT_SSH_COMMAND",
                          "PYTHONSTARTUP",
                          "DBUS_SESSION_BUS_ADDRESS")) {
                    ctx.callerEnvironment().put(name, "/nonexistent/" + ctx.secret() + ".so");
                  }
                  SandboxResult r = ctx.run(ctx.sh("env"));
                  ctx.check(r.stdoutText().contains("PATH="), "env did not run: " + excerpt(r));
                  FilesystemScenarios.noSecret(ctx, r);
                }),
        Scenario.builder("homeCredentialStoresAreUnreadable")
            .judges(PROC_ENV_SCRUB, FS_READ_DENY)
            .category(Category.ENVIRONMENT)
            .linux()
            .description(
                "HOME points at a home other than the account's; its ~/.git-credentials,"
                    + " ~/.npmrc and ~/.vault-token are read through ~")
            .body(
                ctx -> {
                  for (String store : List.of(".git-credentials", ".npmrc", ".vault-token")) {
                    Path p = ctx.home().resolve(store);
                    Files.writeString(p, "token=" + ctx.secret() + "\n");
                  }
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "echo \"home=$HOME\"; cat ~/.git-credentials ~/.npmrc"
                                  + " ~/.vault-token"));
                  ctx.check(
                      r.stdoutText().contains("home=" + ctx.home()),
                      "HOME was not passed to the command: " + excerpt(r));
                  FilesystemScenarios.noSecret(ctx, r);
                }));
  }
}
