package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_PRIVATE_TMP;
import static io.sandbox4j.api.Feature.FS_PROTECTED_PATHS;
import static io.sandbox4j.api.Feature.FS_READ_ALLOWLIST;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
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
final class FilesystemScenarios {
  private FilesystemScenarios() {}

  static List<Scenario> all() {
    return List.of(
        Scenario.builder("writeOutsideWorkspaceIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("the shell creates a file in a directory outside every writable root")
            .body(ctx -> absentAfter(ctx, "echo pwned > \"$1/created.txt\"", "created.txt")),
        Scenario.builder("probeWriteOutsideWorkspaceIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .description("a JVM program writes a file outside every writable root")
            .body(
                ctx -> {
                  Path target = ctx.outside().resolve("created-by-java.txt");
                  SandboxResult r = ctx.run(ctx.probe("write", target.toString(), "pwned"));
                  ctx.check(
                      !Files.exists(target, LinkOption.NOFOLLOW_LINKS),
                      target + " was created outside the workspace (" + excerpt(r) + ")");
                }),
        Scenario.builder("truncateOfOutsideFileIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("O_TRUNC on an existing file outside the writable roots (': > file')")
            .body(ctx -> unchangedAfter(ctx, ": > \"$1/victim.txt\"")),
        Scenario.builder("appendToOutsideFileIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("O_APPEND on an existing file outside the writable roots")
            .body(ctx -> unchangedAfter(ctx, "echo pwned >> \"$1/victim.txt\"")),
        Scenario.builder("plantedSymlinkToOutsideIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("a symlink in the workspace, planted before the run, points outside")
            .body(
                ctx -> {
                  Files.createSymbolicLink(ctx.workspace().resolve("planted"), ctx.outside());
                  absentAfter(ctx, "echo pwned > planted/via-link.txt", "via-link.txt");
                }),
        Scenario.builder("createdSymlinkToOutsideIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("the command creates a symlink to outside in the workspace and writes")
            .body(
                ctx ->
                    absentAfter(
                        ctx, "ln -s \"$1\" made; echo pwned > made/via-link.txt", "via-link.txt")),
        Scenario.builder("hardLinkOutOfWorkspaceIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("the command hard-links an outside file into the workspace and writes it")
            .body(
                ctx ->
                    unchangedAfter(
                        ctx, "ln \"$1/victim.txt\" hl; echo pwned >> hl; echo pwned > hl")),
        Scenario.builder("procSelfRootPathIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("the command writes outside through /proc/self/root")
            .body(
                ctx ->
                    absentAfter(
                        ctx, "echo pwned > \"/proc/self/root$1/via-proc.txt\"", "via-proc.txt")),
        Scenario.builder("renameOfOutsideFileIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("the command moves an outside file into the workspace")
            .body(ctx -> unchangedAfter(ctx, "mv \"$1/victim.txt\" stolen.txt")),
        Scenario.builder("mkdirOutsideIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("the command creates a directory outside the writable roots")
            .body(ctx -> absentAfter(ctx, "mkdir \"$1/newdir\"", "newdir")),
        Scenario.builder("fifoAndDeviceNodesOutsideAreRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description("mkfifo and mknod outside the writable roots")
            .body(
                ctx -> {
                  absentAfter(ctx, "mkfifo \"$1/fifo\"; mknod \"$1/null\" c 1 3", "fifo");
                  ctx.check(
                      !Files.exists(ctx.outside().resolve("null"), LinkOption.NOFOLLOW_LINKS),
                      "a device node was created outside the workspace");
                }),
        Scenario.builder("gitHooksAreReadOnly")
            .judges(FS_PROTECTED_PATHS)
            .linux()
            .description("the command plants .git/hooks/pre-commit in the workspace")
            .body(
                ctx -> {
                  Path hooks = Files.createDirectories(ctx.workspace().resolve(".git/hooks"));
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "printf '#!/bin/sh\\necho pwned\\n' > .git/hooks/pre-commit;"
                                  + " chmod +x .git/hooks/pre-commit"));
                  // read-only means the write fails: the engine's post-run git sweep moving
                  // the hook aside afterwards does not count
                  ctx.check(
                      !Files.exists(hooks.resolve("pre-commit"), LinkOption.NOFOLLOW_LINKS)
                          && r.notices().stream().noneMatch(n -> n.contains("pre-commit")),
                      ".git/hooks/pre-commit was created (" + excerpt(r) + ")");
                }),
        Scenario.builder("gitConfigIsReadOnly")
            .judges(FS_PROTECTED_PATHS)
            .linux()
            .description("the command adds a core.fsmonitor command to .git/config")
            .body(
                ctx -> {
                  Path config = gitConfig(ctx);
                  SandboxResult r =
                      ctx.run(
                          ctx.sh("printf '[core]\\n\\tfsmonitor = touch pwned\\n' >> .git/config"));
                  unchanged(ctx, config, ORIGINAL_CONFIG, r);
                }),
        Scenario.builder("gitDirectorySwapIsRefused")
            .judges(FS_PROTECTED_PATHS)
            .linux()
            .description("the command renames .git away and re-creates .git/hooks with a hook")
            .body(
                ctx -> {
                  Path config = gitConfig(ctx);
                  Files.createDirectories(ctx.workspace().resolve(".git/hooks"));
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "mv .git .git-old; mkdir -p .git/hooks;"
                                  + " echo 'echo pwned' > .git/hooks/pre-commit;"
                                  + " echo '[core]' > .git/config"));
                  ctx.check(
                      !Files.exists(ctx.workspace().resolve(".git/hooks/pre-commit"))
                          && r.notices().stream().noneMatch(n -> n.contains("pre-commit")),
                      ".git/hooks/pre-commit exists after swapping .git (" + excerpt(r) + ")");
                  unchanged(ctx, config, ORIGINAL_CONFIG, r);
                }),
        Scenario.builder("missingGitHooksCannotBeCreated")
            .judges(FS_PROTECTED_PATHS)
            .linux()
            .description("the command creates .git/hooks where it does not exist yet")
            .body(
                ctx -> {
                  gitConfig(ctx);
                  SandboxResult r =
                      ctx.run(ctx.sh("mkdir -p .git/hooks && echo pwned > .git/hooks/post-merge"));
                  ctx.check(
                      !Files.exists(
                          ctx.workspace().resolve(".git/hooks/post-merge"),
                          LinkOption.NOFOLLOW_LINKS),
                      ".git/hooks/post-merge was created (" + excerpt(r) + ")");
                }),
        Scenario.builder("sandboxPolicyDirectoryIsReadOnly")
            .judges(FS_PROTECTED_PATHS)
            .linux()
            .description("the command rewrites and deletes .sandbox4j/policy.toml")
            .body(
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
                }),
        Scenario.builder("protectedPathSpellingVariantsAreReadOnly")
            .judges(FS_PROTECTED_PATHS)
            .linux()
            .description(
                "writes to .git/config through ./.git//config, sub/../.git/config,"
                    + " /proc/self/cwd/.git/config and a symlink")
            .body(
                ctx -> {
                  Path config = gitConfig(ctx);
                  Files.createDirectories(ctx.workspace().resolve("sub"));
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "echo a >> ./.git//config; echo b >> sub/../.git/config;"
                                  + " echo c >> /proc/self/cwd/.git/config;"
                                  + " ln -s .git/config cfg; echo d >> cfg"));
                  unchanged(ctx, config, ORIGINAL_CONFIG, r);
                }),
        Scenario.builder("credentialStoresAreUnreadable")
            .judges(FS_READ_DENY)
            .linux()
            .description("the command reads well-known credential stores under $HOME")
            .body(
                ctx -> {
                  plantCredentials(ctx);
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "cd \"$HOME\"; cat .ssh/id_ed25519 .aws/credentials .netrc"
                                  + " .config/gh/hosts.yml .docker/config.json .kube/config;"
                                  + " cp .ssh/id_ed25519 \"$1/copied\"",
                              ctx.workspace().toString()));
                  noSecret(ctx, r);
                  ctx.check(
                      !content(ctx.workspace().resolve("copied")).orElse("").contains(ctx.secret()),
                      "a credential was copied into the workspace");
                }),
        Scenario.builder("probeCredentialStoreIsUnreadable")
            .judges(FS_READ_DENY)
            .description("a JVM program reads ~/.ssh/id_ed25519")
            .body(
                ctx -> {
                  plantCredentials(ctx);
                  SandboxResult r =
                      ctx.run(ctx.probe("read", ctx.home().resolve(".ssh/id_ed25519").toString()));
                  noSecret(ctx, r);
                }),
        Scenario.builder("credentialReadThroughCreatedSymlinkIsRefused")
            .judges(FS_READ_DENY)
            .linux()
            .description("the command links ~/.ssh into the workspace and reads through the link")
            .body(
                ctx -> {
                  plantCredentials(ctx);
                  noSecret(ctx, ctx.run(ctx.sh("ln -s \"$HOME/.ssh\" keys; cat keys/id_ed25519")));
                }),
        Scenario.builder("credentialReadThroughHardLinkIsRefused")
            .judges(FS_READ_DENY)
            .linux()
            .description("the command hard-links ~/.aws/credentials into the workspace and reads")
            .body(
                ctx -> {
                  plantCredentials(ctx);
                  noSecret(ctx, ctx.run(ctx.sh("ln \"$HOME/.aws/credentials\" c; cat c")));
                }),
        Scenario.builder("credentialReadThroughProcSelfRootIsRefused")
            .judges(FS_READ_DENY)
            .linux()
            .description("the command reads ~/.netrc through /proc/self/root")
            .body(
                ctx -> {
                  plantCredentials(ctx);
                  noSecret(ctx, ctx.run(ctx.sh("cat \"/proc/self/root$HOME/.netrc\"")));
                }),
        Scenario.builder("denyReadEntryIsUnreadable")
            .judges(FS_READ_DENY)
            .linux()
            .description("a path on the policy's read deny-list (--deny-read) is read")
            .body(
                ctx -> {
                  Path secretDir = Files.createDirectories(ctx.outside().resolve("secrets"));
                  Files.writeString(secretDir.resolve("token.txt"), ctx.secret());
                  SandboxPolicy p = ctx.policy().denyRead(secretDir).build();
                  noSecret(
                      ctx,
                      ctx.run(
                          p, ctx.sh("cat \"$1/token.txt\"; cat \"$1\"/*", secretDir.toString())));
                }),
        Scenario.builder("readAllowListHidesEverythingElse")
            .judges(FS_READ_ALLOWLIST)
            .linux()
            .description("with a read allow-list of the workspace, a file outside is read")
            .body(
                ctx -> {
                  Path secret =
                      Files.writeString(ctx.outside().resolve("secret.txt"), ctx.secret());
                  Files.writeString(ctx.workspace().resolve("ok.txt"), "inside-ok");
                  SandboxPolicy p = ctx.policy().allowRead(ctx.workspace()).build();
                  SandboxResult r = ctx.run(p, ctx.sh("cat ok.txt; cat \"$1\"", secret.toString()));
                  noSecret(ctx, r);
                  ctx.check(
                      r.stdoutText().contains("inside-ok"),
                      "the allow-listed workspace file was not readable (over-blocked): "
                          + excerpt(r));
                }),
        Scenario.builder("privateTmpIsNotShared")
            .judges(FS_PRIVATE_TMP)
            .linux()
            .description(
                "a file left in the temporary directory is seen neither by the host's /tmp nor by"
                    + " the next run")
            .body(
                ctx -> {
                  String name = "sbx4j-tmp-" + ctx.token();
                  for (Path tmp :
                      List.of(Path.of("/tmp"), Path.of(System.getProperty("java.io.tmpdir")))) {
                    // A sandbox that fails this scenario leaves the file in the host's /tmp.
                    ctx.closeLater(() -> Files.deleteIfExists(tmp.resolve(name)));
                  }
                  SandboxResult first =
                      ctx.run(
                          ctx.sh(
                              "echo \"$2\" > \"${TMPDIR:-/tmp}/$1\" && echo written",
                              name,
                              ctx.secret()));
                  ctx.check(
                      first.stdoutText().contains("written"),
                      "the private temporary directory is not writable (over-blocked): "
                          + excerpt(first));
                  for (Path tmp :
                      List.of(Path.of("/tmp"), Path.of(System.getProperty("java.io.tmpdir")))) {
                    ctx.check(
                        !Files.exists(tmp.resolve(name)),
                        "the sandbox's temporary file appeared in the host's " + tmp);
                  }
                  SandboxResult second = ctx.run(ctx.sh("cat \"${TMPDIR:-/tmp}/$1\"", name));
                  ctx.check(
                      !second.stdoutText().contains(ctx.secret()),
                      "the next run read the previous run's temporary file");
                }));
  }

  static final String ORIGINAL_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n";

  private static Path gitConfig(ScenarioContext ctx) throws IOException {
    Path git = Files.createDirectories(ctx.workspace().resolve(".git"));
    return Files.writeString(git.resolve("config"), ORIGINAL_CONFIG);
  }

  /** Runs {@code script} with $1 = the outside directory; {@code name} must not appear there. */
  private static void absentAfter(ScenarioContext ctx, String script, String name) {
    Path target = ctx.outside().resolve(name);
    SandboxResult r = ctx.run(ctx.sh(script, ctx.outside().toString()));
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

  /** Credential stores under the fake home, each holding the scenario's token. */
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
