package io.sandbox4j.testkit;

import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Host git runs nothing the command planted. Each attack plants something git on the host would run
 * (a {@code core.fsmonitor} command or a hook that creates a marker outside the workspace); after
 * the run the host's real git does what an IDE or a shell prompt does unasked ({@code git status})
 * or what the user does next ({@code git commit}), and the marker must not appear. They judge no
 * feature: the engine's post-run git sweep protects every backend and combination. The functional
 * ones check that ordinary git work inside the sandbox keeps working.
 */
final class GitScenarios implements ScenarioGroup {
  /** The author and committer variables that let git commit as {@code name} without a config. */
  static Map<String, String> identity(String name) {
    String email = name + "@example.invalid";
    return Map.of(
        "GIT_AUTHOR_NAME", name,
        "GIT_AUTHOR_EMAIL", email,
        "GIT_COMMITTER_NAME", name,
        "GIT_COMMITTER_EMAIL", email);
  }

  /** {@code policy} with git's {@link #identity} "sandbox" set for the command. */
  static SandboxPolicy.Builder sandboxIdentity(SandboxPolicy.Builder policy) {
    identity("sandbox").forEach(policy::setEnv);
    return policy;
  }

  /** Inside the sandbox: {@code g} is git; $1 is git's path, $2 the marker's. */
  private static final String G =
      "set -e; G=\"$1\"; M=\"$2\"; g() { \"$G\" -c safe.directory='*'"
          + " -c protocol.file.allow=always -c init.defaultBranch=main \"$@\"; }; ";

  @Override
  public void declare(ScenarioTable table) {
    table.add(
        attack(
            "nestedRepositoryCannotPlantFsmonitorForHostGit",
            "the command makes a nested repository with a core.fsmonitor command and adds it to"
                + " the workspace's repository; host git status in the parent must not run it",
            (ctx, h) -> h.init(),
            "g init -q sub; g -C sub commit -q --allow-empty -m s;"
                + " g -C sub config core.fsmonitor \"touch '$M'\"; g add sub",
            Host::status),
        attack(
            "submodulePointerCannotBeRedirected",
            "the command rewrites a submodule's .git pointer to a repository it hid in"
                + " .git/objects, with a core.fsmonitor command; host git status must not run it",
            (ctx, h) -> h.submodule(),
            "g init -q ev; g -C ev config core.fsmonitor \"touch '$M'\";"
                + " mv ev/.git .git/objects/evil; rm -r ev;"
                + " echo 'gitdir: ../.git/objects/evil' > sub/.git",
            Host::status),
        attack(
            "hooksPathDirectoryCannotBePlanted",
            "core.hooksPath names .husky in the workspace (the user's setting); the command writes"
                + " .husky/pre-commit; host git commit must not run it",
            (ctx, h) -> h.husky(),
            "printf '#!/bin/sh\\ntouch \"%s\"\\n' \"$M\" > .husky/pre-commit;"
                + " chmod +x .husky/pre-commit",
            Host::commit),
        attack(
            "preCreatedQuarantineNamesDoNotKeepAPlant",
            "the command plants .git/commondir leading to a repository with a core.fsmonitor"
                + " command and pre-creates every name a predictable quarantine would move it to;"
                + " host git status must not run it",
            (ctx, h) -> h.init(),
            "g init -q .cache/evil; g -C .cache/evil config core.fsmonitor \"touch '$M'\";"
                + " t=$(date +%s); for i in $(seq 0 90); do"
                + " s=$(date -u -d @$((t+i)) +%Y%m%dT%H%M%SZ);"
                + " p=.git/commondir.sandbox4j-quarantine-$s; mkdir -p \"$p\";"
                + " for n in $(seq 2 100); do echo \"$p-$n\"; done | xargs mkdir -p; done;"
                + " echo ../.cache/evil/.git > .git/commondir",
            Host::status),
        attack(
            "unreadableGitDirectoryCannotHideAPlant",
            "the command makes a nested repository with a core.fsmonitor command, adds it, and"
                + " leaves its .git searchable but unlistable (chmod 111) to hide it from a sweep;"
                + " host git status must not run it",
            (ctx, h) -> h.init(),
            "g init -q sub; g -C sub commit -q --allow-empty -m s;"
                + " g -C sub config core.fsmonitor \"touch '$M'\"; g add sub; chmod 111 sub/.git",
            Host::status),
        attack(
            "configWorktreeCannotPlantFsmonitor",
            "the user's repository reads config.worktree (extensions.worktreeConfig); the command"
                + " writes a core.fsmonitor command there; host git status must not run it",
            (ctx, h) -> h.init("extensions.worktreeConfig", "true"),
            "printf '[core]\\n\\tfsmonitor = touch \"%s\"\\n' \"$M\" >> .git/config.worktree",
            Host::status),
        attack(
            "includedConfigFileCannotPlantFsmonitor",
            "the user's .git/config includes ../shared.gitconfig from the work tree; the command"
                + " appends a core.fsmonitor command to it; host git status must not run it",
            (ctx, h) -> {
              h.init();
              Files.writeString(
                  ctx.workspace().resolve("shared.gitconfig"), "[user]\n\tname = u\n");
              h.git("config", "include.path", "../shared.gitconfig");
            },
            "printf '[core]\\n\\tfsmonitor = touch \"%s\"\\n' \"$M\" >> shared.gitconfig",
            Host::status),
        attack(
            "junkHeadDoesNotHideARepositoryInAnObjectsFolder",
            "the command writes a junk HEAD beside a work-tree folder named objects (so it looks"
                + " like object storage), makes a repository with a core.fsmonitor command in it"
                + " and adds that as a gitlink; host git status in the parent must not run it",
            (ctx, h) -> h.init(),
            "echo junk > HEAD; mkdir objects; g init -q objects/sub;"
                + " g -C objects/sub commit -q --allow-empty -m s;"
                + " g -C objects/sub config core.fsmonitor \"touch '$M'\"; g add objects/sub",
            Host::status),
        attack(
            "hookHelperBesideHooksCannotBePlanted",
            "core.hooksPath names .husky and the user's pre-commit sources .husky/_/husky.sh (husky"
                + " 6-8); the command appends to husky.sh only; host git commit must not run it",
            (ctx, h) -> {
              Path husky = Files.createDirectories(h.husky().resolve("_"));
              Files.writeString(husky.resolve("husky.sh"), "true\n");
              Path hook =
                  Files.writeString(
                      husky.resolveSibling("pre-commit"),
                      "#!/bin/sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n");
              hook.toFile().setExecutable(true);
            },
            "printf 'touch \"%s\"\\n' \"$M\" >> .husky/_/husky.sh",
            Host::commit),
        attack(
            "configLinkedToDevZeroCannotStopTheSweep",
            "the command links a nested repository's config to /dev/zero (a sweep reading through"
                + " it never ends or runs out of memory) and plants a core.fsmonitor command in a"
                + " sibling repository it adds; the run ends (0 or 125) and host git status must"
                + " not run the plant",
            (ctx, h) -> h.init(),
            "g init -q sub; g -C sub commit -q --allow-empty -m s;"
                + " g -C sub config core.fsmonitor \"touch '$M'\"; g add sub;"
                + " for d in a b c; do g init -q $d; ln -sf /dev/zero $d/.git/config; done",
            Host::status),
        attack(
            "pointerIsReadAsGitReadsIt",
            "the command points a submodule's .git file at ' g' (git keeps the space), a link to a"
                + " repository with a core.fsmonitor command hidden in .git/objects, next to a"
                + " harmless repository 'g' for a parser that trims; host git status must not run"
                + " the plant",
            (ctx, h) -> h.init(),
            "g init -q sub; g -C sub commit -q --allow-empty -m s;"
                + " g -C sub config core.fsmonitor \"touch '$M'\"; g add sub;"
                + " mv sub/.git .git/objects/ev; ln -s ../.git/objects/ev 'sub/ g';"
                + " g init -q --bare sub/g; printf 'gitdir:  g\\n' > sub/.git",
            Host::status),
        Scenario.builder("enclosingRepositorysHooksPathCannotBePlanted")
            .linux()
            .category(Category.FILESYSTEM)
            .description(
                "the workspace is pkg/ inside the user's repository, whose core.hooksPath is"
                    + " pkg/.husky; the command writes .husky/pre-commit; host git commit in the"
                    + " repository must not run it")
            .body(
                ctx -> {
                  Host h = new Host(ctx);
                  h.init("core.hooksPath", "pkg/.husky");
                  Path pkg = Files.createDirectories(ctx.workspace().resolve("pkg"));
                  Files.createDirectories(pkg.resolve(".husky"));
                  Files.createDirectories(pkg.resolve(".tmp"));
                  Thread.sleep(1100);
                  SandboxPolicy p =
                      SandboxPolicy.builder(pkg)
                          .denyCredentialStores(true, ctx.callerEnvironment())
                          .resources(
                              ResourceLimits.NONE.withTimeout(ScenarioContext.DEFAULT_TIMEOUT))
                          .setEnv("TMPDIR", pkg.resolve(".tmp").toString())
                          .build();
                  SandboxResult r =
                      ctx.run(
                          p,
                          ctx.sh(
                              "printf '#!/bin/sh\\ntouch \"%s\"\\n' \"$1\" > .husky/pre-commit;"
                                  + " chmod +x .husky/pre-commit",
                              h.marker.toString()));
                  judge(ctx, h, r, h.commit());
                }),
        attack(
            "linkedWorktreeHooksPathCannotBePlanted",
            "core.hooksPath is the relative .husky and the user has a linked work tree lt; the"
                + " command writes lt/.husky/pre-commit (git resolves .husky against the linked"
                + " work tree); host git commit in lt must not run it",
            (ctx, h) -> {
              h.init("core.hooksPath", ".husky");
              h.git("worktree", "add", "-q", "lt");
            },
            "mkdir lt/.husky; printf '#!/bin/sh\\ntouch \"%s\"\\n' \"$M\" > lt/.husky/pre-commit;"
                + " chmod +x lt/.husky/pre-commit",
            h ->
                h.git(h.ctx.workspace().resolve("lt"), "commit", "-q", "--allow-empty", "-m", "n")),
        Scenario.builder("gitInitAddCommitAndBranchWorkInsideTheSandbox")
            .linux()
            .description(
                "git init, add, commit, branch and checkout of a new repository in the workspace;"
                    + " host git sees the commits and the branch, nothing was moved aside")
            .body(
                ctx -> {
                  Host h = new Host(ctx);
                  SandboxResult r =
                      h.inside(
                          "mkdir proj; cd proj; g init -q; echo a > a; g add a;"
                              + " g commit -q -m first; g branch feature; g checkout -q feature;"
                              + " echo b > b; g add b; g commit -q -m second");
                  String log = h.git(ctx.workspace().resolve("proj"), "log", "--all", "--oneline");
                  ctx.check(
                      r.exitCode() == 0
                          && log.contains("first")
                          && log.contains("second")
                          && r.notices().isEmpty(),
                      "git work inside the sandbox failed or was undone: "
                          + excerpt(r)
                          + ", host log: "
                          + log
                          + ", notices: "
                          + r.notices());
                }),
        Scenario.builder("gitSubmoduleUpdateFromALocalPathWorksInsideTheSandbox")
            .linux()
            .description(
                "git submodule update of a registered submodule from a local repository outside"
                    + " the workspace; host git sees the checked-out submodule and its history")
            .body(
                ctx -> {
                  Host h = new Host(ctx);
                  h.submodule();
                  // as after a clone and `git submodule init` on the host: registered in
                  // .git/config (which stays read-only where a backend binds it), not cloned
                  Scratch.deleteTree(ctx.workspace().resolve(".git/modules/sub"));
                  Scratch.deleteTree(ctx.workspace().resolve("sub"));
                  Files.createDirectories(ctx.workspace().resolve("sub"));
                  SandboxResult r = h.inside("g submodule update -q");
                  String log = h.git(ctx.workspace().resolve("sub"), "log", "--oneline");
                  String status = h.git(ctx.workspace(), "status", "--porcelain", "--", "sub");
                  ctx.check(
                      r.exitCode() == 0 && log.contains("upstream") && status.isBlank(),
                      "git submodule update inside the sandbox failed: "
                          + excerpt(r)
                          + ", host log: "
                          + log
                          + ", host status: "
                          + status);
                }),
        Scenario.builder("usersOwnNestedRepositoryKeepsItsHook")
            .linux()
            .description(
                "a nested repository with a hook existed before the run; the command does ordinary"
                    + " work; the hook still runs on the host's next commit there")
            .body(
                ctx -> {
                  Host h = new Host(ctx);
                  h.init();
                  Path mine = ctx.workspace().resolve("mine");
                  Files.createDirectories(mine);
                  h.git(mine, "init", "-q");
                  Path hook = mine.resolve(".git/hooks/pre-commit");
                  Files.writeString(hook, "#!/bin/sh\ntouch '" + h.marker + "'\n");
                  hook.toFile().setExecutable(true);
                  // older than the run by more than a timestamp's granularity: the user's
                  Thread.sleep(1100);
                  SandboxResult r = h.inside("echo work > notes.txt; g -C mine status -s");
                  h.git(mine, "commit", "-q", "--allow-empty", "-m", "after");
                  ctx.check(
                      r.exitCode() == 0 && Files.exists(h.marker),
                      "the user's own hook no longer runs after a run ("
                          + excerpt(r)
                          + ", notices: "
                          + r.notices()
                          + ")");
                }));
  }

  @FunctionalInterface
  private interface Setup {
    void prepare(ScenarioContext ctx, Host host) throws Exception;
  }

  @FunctionalInterface
  private interface Judge {
    String after(Host host) throws Exception;
  }

  private static Scenario attack(
      String name, String description, Setup setup, String script, Judge judge) {
    return Scenario.builder(name)
        .linux()
        .category(Category.FILESYSTEM)
        .description(description)
        .body(
            ctx -> {
              Host h = new Host(ctx);
              setup.prepare(ctx, h);
              // the user's setup is older than the run by more than a timestamp's granularity,
              // so the sweep must tell it from the plant by what the command did, not by luck
              Thread.sleep(1100);
              SandboxResult r = h.inside(script);
              judge(ctx, h, r, judge.after(h));
            });
  }

  /** The attack must have been carried out, and host git must not have run the plant. */
  private static void judge(ScenarioContext ctx, Host h, SandboxResult r, String seen) {
    // a command that could not plant proves nothing (a run the engine ends with 125 after
    // removing the plant is fine)
    ctx.check(
        r.exitCode() == 0 || r.exitCode() == 125,
        "the planting command failed, so nothing was judged: " + excerpt(r));
    ctx.check(
        !Files.exists(h.marker),
        "host git ran what the command planted (the marker "
            + h.marker
            + " exists) after "
            + excerpt(r)
            + "; host git said: "
            + seen
            + "; notices: "
            + r.notices());
  }

  /** Host git (outside the sandbox), with a home and configuration of its own. */
  private static final class Host {
    private final ScenarioContext ctx;
    private final Path git;
    private final Path home;
    final Path marker;

    Host(ScenarioContext ctx) throws IOException {
      this.ctx = ctx;
      this.git = ctx.requireTool("git");
      this.home = Files.createDirectories(ctx.outside().resolve("host-home"));
      this.marker = ctx.outside().resolve("planted-code-ran");
    }

    void init() throws Exception {
      git("init", "-q");
      git("commit", "-q", "--allow-empty", "-m", "init");
    }

    /** A repository whose core.hooksPath is .husky (the user's setting), with .husky made. */
    Path husky() throws Exception {
      init("core.hooksPath", ".husky");
      return Files.createDirectories(ctx.workspace().resolve(".husky"));
    }

    /** A repository whose own config sets {@code key} to {@code value} (the user's setting). */
    void init(String key, String value) throws Exception {
      init();
      git("config", key, value);
    }

    /** A repository with a submodule {@code sub} from a local repository outside. */
    void submodule() throws Exception {
      Path src = Files.createDirectories(ctx.outside().resolve("upstream"));
      git(src, "init", "-q");
      git(src, "commit", "-q", "--allow-empty", "-m", "upstream");
      init();
      git("submodule", "add", "-q", src.toString(), "sub");
      git("commit", "-q", "-m", "add sub");
    }

    String status() throws Exception {
      return git(ctx.workspace(), "status");
    }

    String commit() throws Exception {
      return git(ctx.workspace(), "commit", "-q", "--allow-empty", "-m", "next");
    }

    String git(String... args) throws Exception {
      return git(ctx.workspace(), args);
    }

    /** Runs host git in dir; the output, with the exit code when not 0. */
    String git(Path dir, String... args) throws Exception {
      List<String> cmd = new ArrayList<>();
      cmd.addAll(
          List.of(
              git.toString(),
              "-c",
              "protocol.file.allow=always",
              "-c",
              "init.defaultBranch=main",
              "-C",
              dir.toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("GIT_"));
      env.put("HOME", home.toString());
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.putAll(identity("host"));
      Process p =
          pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        ctx.fail("host git " + args[0] + " did not end within 30 s");
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 ? text : "exit " + p.exitValue() + ": " + text;
    }

    /** Runs the script in the sandbox in the workspace, with git as g. */
    SandboxResult inside(String script) {
      // the scratch directory (and so the submodule's upstream in outside/) may lie in the
      // account's private home: granted, as a user would grant a local upstream there
      SandboxPolicy p =
          sandboxIdentity(ctx.policy().grantRead(ctx.outside()))
              .setEnv("GIT_CONFIG_NOSYSTEM", "1")
              .build();
      return ctx.run(p, ctx.sh(G + script, git.toString(), marker.toString()));
    }
  }
}
