package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_PRIVATE_TMP;
import static io.sandbox4j.api.Feature.FS_PROTECTED_PATHS;
import static io.sandbox4j.api.Feature.FS_READ_ALLOWLIST;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
import static io.sandbox4j.testkit.Platform.ANY;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.content;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Filesystem scenarios: writes outside writable roots, protected paths, denied reads. */
final class FilesystemScenarios implements ScenarioGroup {
  static final String ORIGINAL_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n";

  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, FS_WRITE_CONFINEMENT)
        .row(
            "writeOutsideWorkspaceIsRefused",
            "the shell creates a file in a directory outside every writable root",
            ctx -> absentAfter(ctx, "echo pwned > \"$1/created.txt\"", "created.txt"))
        .judging(ANY, FS_WRITE_CONFINEMENT)
        .row(
            "probeWriteOutsideWorkspaceIsRefused",
            "a JVM program writes a file outside every writable root",
            ctx -> {
              Path target = ctx.outside().resolve("created-by-java.txt");
              SandboxResult r = ctx.run(ctx.probe("write", target.toString(), "pwned"));
              createdOutside(ctx, target, r);
            })
        .judging(LINUX, FS_WRITE_CONFINEMENT)
        .row(
            "truncateOfOutsideFileIsRefused",
            "O_TRUNC on an existing file outside the writable roots (': > file')",
            ctx -> unchangedAfter(ctx, ": > \"$1/victim.txt\""))
        .row(
            "appendToOutsideFileIsRefused",
            "O_APPEND on an existing file outside the writable roots",
            ctx -> unchangedAfter(ctx, "echo pwned >> \"$1/victim.txt\""))
        .row(
            "plantedSymlinkToOutsideIsRefused",
            "a symlink in the workspace, planted before the run, points outside",
            ctx -> {
              Files.createSymbolicLink(ctx.workspace().resolve("planted"), ctx.outside());
              absentAfter(ctx, "echo pwned > planted/via-link.txt", "via-link.txt");
            })
        .row(
            "createdSymlinkToOutsideIsRefused",
            "the command creates a symlink to outside in the workspace and writes",
            ctx ->
                absentAfter(
                    ctx, "ln -s \"$1\" made; echo pwned > made/via-link.txt", "via-link.txt"))
        .row(
            "hardLinkOutOfWorkspaceIsRefused",
            "the command hard-links an outside file into the workspace and writes it",
            ctx ->
                unchangedAfter(ctx, "ln \"$1/victim.txt\" hl; echo pwned >> hl; echo pwned > hl"))
        .row(
            "procSelfRootPathIsRefused",
            "the command writes outside through /proc/self/root",
            ctx ->
                absentAfter(ctx, "echo pwned > \"/proc/self/root$1/via-proc.txt\"", "via-proc.txt"))
        .row(
            "renameOfOutsideFileIsRefused",
            "the command moves an outside file into the workspace",
            ctx -> unchangedAfter(ctx, "mv \"$1/victim.txt\" stolen.txt"))
        .row(
            "mkdirOutsideIsRefused",
            "the command creates a directory outside the writable roots",
            ctx -> absentAfter(ctx, "mkdir \"$1/newdir\"", "newdir"))
        .row(
            "fifoAndDeviceNodesOutsideAreRefused",
            "mkfifo and mknod outside the writable roots",
            ctx -> {
              absentAfter(ctx, "mkfifo \"$1/fifo\"; mknod \"$1/null\" c 1 3", "fifo");
              ctx.check(
                  !Files.exists(ctx.outside().resolve("null"), LinkOption.NOFOLLOW_LINKS),
                  "a device node was created outside the workspace");
            })
        .judging(LINUX, FS_PROTECTED_PATHS)
        .row(
            "gitHooksAreReadOnly",
            "the command plants .git/hooks/pre-commit in the workspace",
            ctx -> {
              Files.createDirectories(ctx.workspace().resolve(".git/hooks"));
              SandboxResult r =
                  notCreatedBy(
                      ctx,
                      ctx.sh(
                          "printf '#!/bin/sh\\necho pwned\\n' > .git/hooks/pre-commit;"
                              + " chmod +x .git/hooks/pre-commit"),
                      ".git/hooks/pre-commit");
              notMovedAsideBySweep(ctx, r, ".git/hooks/pre-commit");
            })
        .row(
            "gitConfigIsReadOnly",
            "the command adds a core.fsmonitor command to .git/config",
            ctx ->
                gitConfigUnchangedAfter(
                    ctx, ctx.sh("printf '[core]\\n\\tfsmonitor = touch pwned\\n' >> .git/config")))
        .row(
            "gitDirectorySwapIsRefused",
            "the command renames .git away and re-creates .git/hooks with a hook",
            ctx -> {
              gitConfig(ctx, true);
              SandboxResult r =
                  ctx.run(
                      ctx.sh(
                          "mv .git .git-old; mkdir -p .git/hooks;"
                              + " echo 'echo pwned' > .git/hooks/pre-commit;"
                              + " echo '[core]' > .git/config"));
              // read-only means the write fails: the sweep moving the hook aside does not count
              ctx.check(
                  !Files.exists(ctx.workspace().resolve(".git/hooks/pre-commit"))
                      && r.notices().stream().noneMatch(n -> n.contains(".git/hooks/pre-commit")),
                  ".git/hooks/pre-commit exists after swapping .git (" + excerpt(r) + ")");
              gitConfigUnchanged(ctx, r);
            })
        .row(
            "missingGitHooksCannotBeCreated",
            "the command creates .git/hooks where it does not exist yet",
            ctx -> {
              gitConfig(ctx, false);
              notCreatedBy(
                  ctx,
                  ctx.sh("mkdir -p .git/hooks && echo pwned > .git/hooks/post-merge"),
                  ".git/hooks/post-merge");
            })
        .row(
            "sandboxPolicyDirectoryIsReadOnly",
            "the command rewrites and deletes .sandbox4j/policy.toml",
            ctx -> {
              Path dir = Files.createDirectories(ctx.workspace().resolve(".sandbox4j"));
              Path policy = Files.writeString(dir.resolve("policy.toml"), "version = 1\n");
              SandboxResult r =
                  ctx.run(
                      ctx.sh(
                          "echo '[network]' >> .sandbox4j/policy.toml;"
                              + " rm -f .sandbox4j/policy.toml;"
                              + " echo 'version = 1' > .sandbox4j/other.toml"));
              unchanged(ctx, policy, "version = 1\n", r);
              ctx.check(
                  !Files.exists(dir.resolve("other.toml")),
                  ".sandbox4j/other.toml was created (" + excerpt(r) + ")");
            })
        .row(
            "protectedPathSpellingVariantsAreReadOnly",
            "writes to .git/config through ./.git//config, sub/../.git/config,"
                + " /proc/self/cwd/.git/config and a symlink",
            ctx -> {
              Files.createDirectories(ctx.workspace().resolve("sub"));
              gitConfigUnchangedAfter(
                  ctx,
                  ctx.sh(
                      "echo a >> ./.git//config; echo b >> sub/../.git/config;"
                          + " echo c >> /proc/self/cwd/.git/config;"
                          + " ln -s .git/config cfg; echo d >> cfg"));
            })
        .row(
            "writeDeniedWorkspaceIsReadOnly",
            "with the workspace itself on the write deny-list (--deny-write), the command writes"
                + " a file there and in a subdirectory",
            ctx -> {
              Files.createDirectories(ctx.workspace().resolve("sub"));
              SandboxPolicy p = ctx.policy().denyWrite(ctx.workspace()).build();
              SandboxResult r = ctx.run(p, ctx.sh("echo pwned > h; echo pwned > sub/h; mkdir d"));
              for (String name : List.of("h", "sub/h", "d")) {
                ctx.check(
                    !Files.exists(ctx.workspace().resolve(name), LinkOption.NOFOLLOW_LINKS),
                    "the write-denied workspace was written: " + name + " (" + excerpt(r) + ")");
              }
            })
        .row(
            "writableRootBeneathWriteDeniedPathIsReadOnly",
            "an extra writable root lies beneath a write-denied directory: the command writes in"
                + " both, while a write-denied subdirectory of the workspace leaves the rest"
                + " writable",
            FilesystemScenarios::writableRootBeneathWriteDeniedPathIsReadOnly)
        .judging(LINUX, FS_READ_DENY)
        .row(
            "credentialStoresAreUnreadable",
            "the command reads well-known credential stores under $HOME",
            ctx -> {
              credentialsNotReadBy(
                  ctx,
                  ctx.sh(
                      "cd \"$HOME\"; cat .ssh/id_ed25519 .aws/credentials .netrc"
                          + " .config/gh/hosts.yml .docker/config.json .kube/config;"
                          + " cp .ssh/id_ed25519 \"$1/copied\"",
                      ctx.workspace().toString()));
              ctx.check(
                  !content(ctx.workspace().resolve("copied")).orElse("").contains(ctx.secret()),
                  "a credential was copied into the workspace");
            })
        .judging(ANY, FS_READ_DENY)
        .row(
            "probeCredentialStoreIsUnreadable",
            "a JVM program reads ~/.ssh/id_ed25519",
            ctx ->
                credentialsNotReadBy(
                    ctx, ctx.probe("read", ctx.home().resolve(".ssh/id_ed25519").toString())))
        .judging(LINUX, FS_READ_DENY)
        .row(
            "credentialReadThroughCreatedSymlinkIsRefused",
            "the command links ~/.ssh into the workspace and reads through the link",
            ctx ->
                credentialsNotReadBy(ctx, ctx.sh("ln -s \"$HOME/.ssh\" keys; cat keys/id_ed25519")))
        .row(
            "credentialReadThroughHardLinkIsRefused",
            "the command hard-links ~/.aws/credentials into the workspace and reads",
            ctx -> credentialsNotReadBy(ctx, ctx.sh("ln \"$HOME/.aws/credentials\" c; cat c")))
        .row(
            "credentialReadThroughProcSelfRootIsRefused",
            "the command reads ~/.netrc through /proc/self/root",
            ctx -> credentialsNotReadBy(ctx, ctx.sh("cat \"/proc/self/root$HOME/.netrc\"")))
        .row(
            "denyReadEntryIsUnreadable",
            "a path on the policy's read deny-list (--deny-read) is read",
            ctx -> {
              Path secretDir = Files.createDirectories(ctx.outside().resolve("secrets"));
              Files.writeString(secretDir.resolve("token.txt"), ctx.secret());
              SandboxPolicy p = ctx.policy().denyRead(secretDir).build();
              noSecret(
                  ctx,
                  ctx.run(p, ctx.sh("cat \"$1/token.txt\"; cat \"$1\"/*", secretDir.toString())));
            })
        .judging(LINUX, FS_READ_ALLOWLIST)
        .row(
            "readAllowListHidesEverythingElse",
            "with a read allow-list of the workspace, a file outside is read",
            ctx -> {
              Path secret = Files.writeString(ctx.outside().resolve("secret.txt"), ctx.secret());
              Files.writeString(ctx.workspace().resolve("ok.txt"), "inside-ok");
              SandboxPolicy p = ctx.policy().allowRead(ctx.workspace()).build();
              SandboxResult r = ctx.run(p, ctx.sh("cat ok.txt; cat \"$1\"", secret.toString()));
              noSecret(ctx, r);
              ctx.check(
                  r.stdoutText().contains("inside-ok"),
                  "the allow-listed workspace file was not readable (over-blocked): " + excerpt(r));
            })
        .judging(LINUX, FS_PRIVATE_TMP)
        .row(
            "privateTmpIsNotShared",
            "a file left in the temporary directory is seen neither by the host's /tmp nor by"
                + " the next run",
            FilesystemScenarios::privateTmpIsNotShared);
  }

  /** The deny wins over a writable root beneath it; a denied subdirectory blocks no more. */
  private static void writableRootBeneathWriteDeniedPathIsReadOnly(ScenarioContext ctx)
      throws IOException {
    Path denied = Files.createDirectories(ctx.outside().resolve("denied"));
    Path root = Files.createDirectories(denied.resolve("root"));
    Path sub = Files.createDirectories(ctx.workspace().resolve("sub"));
    SandboxPolicy p = ctx.policy().allowWrite(root).denyWrite(denied).denyWrite(sub).build();
    SandboxResult r =
        ctx.run(
            p,
            ctx.sh(
                "echo pwned > \"$1/h\"; echo pwned > \"$1/root/h\"; echo pwned > sub/h;"
                    + " echo ok > ok.txt",
                denied.toString()));
    for (Path target : List.of(denied.resolve("h"), root.resolve("h"), sub.resolve("h"))) {
      ctx.check(
          !Files.exists(target, LinkOption.NOFOLLOW_LINKS),
          target + " was written beneath a write-denied path (" + excerpt(r) + ")");
    }
    ctx.check(
        content(ctx.workspace().resolve("ok.txt")).orElse("").contains("ok"),
        "the workspace beside a write-denied subdirectory was not writable (over-blocked): "
            + excerpt(r));
  }

  private static void privateTmpIsNotShared(ScenarioContext ctx) {
    String name = "sbx4j-tmp-" + ctx.token();
    List<Path> hostTmps = List.of(Path.of("/tmp"), Path.of(System.getProperty("java.io.tmpdir")));
    for (Path tmp : hostTmps) {
      // A sandbox that fails this scenario leaves the file in the host's /tmp.
      ctx.closeLater(() -> Files.deleteIfExists(tmp.resolve(name)));
    }
    SandboxResult first =
        ctx.run(ctx.sh("echo \"$2\" > \"${TMPDIR:-/tmp}/$1\" && echo written", name, ctx.secret()));
    ctx.check(
        first.stdoutText().contains("written"),
        "the private temporary directory is not writable (over-blocked): " + excerpt(first));
    for (Path tmp : hostTmps) {
      ctx.check(
          !Files.exists(tmp.resolve(name)),
          "the sandbox's temporary file appeared in the host's " + tmp);
    }
    SandboxResult second = ctx.run(ctx.sh("cat \"${TMPDIR:-/tmp}/$1\"", name));
    ctx.check(
        !second.stdoutText().contains(ctx.secret()),
        "the next run read the previous run's temporary file");
  }

  /**
   * A fresh {@code .git/config} holding {@link #ORIGINAL_CONFIG} and, when {@code withHooks}, an
   * empty {@code .git/hooks}.
   */
  static Path gitConfig(ScenarioContext ctx, boolean withHooks) throws IOException {
    Path git = Files.createDirectories(ctx.workspace().resolve(".git"));
    if (withHooks) {
      Files.createDirectories(git.resolve("hooks"));
    }
    return Files.writeString(git.resolve("config"), ORIGINAL_CONFIG);
  }

  /** Runs {@code command} against a fresh {@code .git/config}, which must not change. */
  private static void gitConfigUnchangedAfter(ScenarioContext ctx, List<String> command)
      throws IOException {
    gitConfig(ctx, false);
    gitConfigUnchanged(ctx, ctx.run(command));
  }

  /** The workspace's {@code .git/config} still holds {@link #ORIGINAL_CONFIG} after {@code r}. */
  static void gitConfigUnchanged(ScenarioContext ctx, SandboxResult r) {
    unchanged(ctx, ctx.workspace().resolve(".git").resolve("config"), ORIGINAL_CONFIG, r);
  }

  /** Runs {@code command}; the workspace file {@code relative} must not exist afterwards. */
  private static SandboxResult notCreatedBy(
      ScenarioContext ctx, List<String> command, String relative) {
    SandboxResult r = ctx.run(command);
    ctx.check(
        !Files.exists(ctx.workspace().resolve(relative), LinkOption.NOFOLLOW_LINKS),
        relative + " was created (" + excerpt(r) + ")");
    return r;
  }

  /**
   * Read-only means the write failed: the engine's post-run git sweep moving a plant aside
   * afterwards (it says so in the result's notices) does not count.
   */
  private static void notMovedAsideBySweep(ScenarioContext ctx, SandboxResult r, String relative) {
    ctx.check(
        r.notices().stream().noneMatch(n -> n.contains(relative)),
        relative + " was created, and only moved aside after the run (" + excerpt(r) + ")");
  }

  /** Runs {@code script} with $1 = the outside directory; {@code name} must not appear there. */
  private static void absentAfter(ScenarioContext ctx, String script, String name) {
    Path target = ctx.outside().resolve(name);
    createdOutside(ctx, target, ctx.run(ctx.sh(script, ctx.outside().toString())));
  }

  private static void createdOutside(ScenarioContext ctx, Path target, SandboxResult r) {
    ctx.check(
        !Files.exists(target, LinkOption.NOFOLLOW_LINKS),
        target + " was created outside the workspace (" + excerpt(r) + ")");
  }

  /** Runs {@code script} with $1 = the outside directory holding victim.txt; it must not change. */
  private static void unchangedAfter(ScenarioContext ctx, String script) throws IOException {
    Path victim = Files.writeString(ctx.outside().resolve("victim.txt"), "original\n");
    SandboxResult r = ctx.run(ctx.sh(script, ctx.outside().toString()));
    unchanged(ctx, victim, "original\n", r);
  }

  static void unchanged(ScenarioContext ctx, Path file, String expected, SandboxResult r) {
    String now = content(file).orElse(null);
    if (now == null) {
      ctx.fail(file + " was removed or replaced (" + excerpt(r) + ")");
    } else if (!now.equals(expected)) {
      ctx.fail(
          file
              + " was modified: it now holds "
              + (now.isEmpty() ? "nothing" : "'" + now.strip().replace("\n", "\\n") + "'")
              + " ("
              + excerpt(r)
              + ")");
    }
  }

  /** Plants the credential stores, runs {@code command}; no secret may appear in its output. */
  static void credentialsNotReadBy(ScenarioContext ctx, List<String> command) throws IOException {
    plantCredentials(ctx);
    noSecret(ctx, ctx.run(command));
  }

  /** Credential stores under the fake home, each holding the scenario's secret. */
  static void plantCredentials(ScenarioContext ctx) throws IOException {
    Map<String, String> stores =
        Map.of(
            ".ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + ctx.secret() + "\n",
            ".aws/credentials", "[default]\naws_secret_access_key = " + ctx.secret() + "\n",
            ".netrc", "machine example.com login me password " + ctx.secret() + "\n",
            ".config/gh/hosts.yml", "github.com:\n  oauth_token: " + ctx.secret() + "\n",
            ".docker/config.json", "{\"auths\":{\"x\":{\"auth\":\"" + ctx.secret() + "\"}}}\n",
            ".kube/config", "users:\n- user:\n    token: " + ctx.secret() + "\n");
    for (var e : stores.entrySet()) {
      Path p = ctx.home().resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
  }

  static void noSecret(ScenarioContext ctx, SandboxResult r) {
    ctx.check(
        !r.stdoutText().contains(ctx.secret()) && !r.stderrText().contains(ctx.secret()),
        "the secret was read: it appeared in the command's output (" + excerpt(r) + ")");
  }
}
