package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_PRIVATE_HOME;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 13: the home directory is private by default. Every scenario plants its files in the
 * context's own fake home ({@code HOME} for the run, a scratch directory) and never touches the
 * real user's files.
 */
final class HomeScenarios implements ScenarioGroup {
  /** Files no deny-list names, each planted holding the scenario's secret. */
  static final List<String> UNLISTED =
      List.of(
          "qzv-invented/notes.txt",
          "plain-invented.txt",
          ".bash_history",
          ".zsh_history",
          ".mozilla/firefox/x.default/cookies.sqlite",
          ".config/google-chrome/Default/Login Data",
          ".config/Code/User/settings.json",
          ".config/containers/auth.json",
          ".m2/settings.xml",
          ".gitconfig");

  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, FS_PRIVATE_HOME)
        .row(
            "homeFilesNoListNamesAreUnreadable",
            "the command reads histories, browser profiles, editor and registry settings and"
                + " files with invented names in $HOME",
            ctx -> {
              plant(ctx);
              StringBuilder script = new StringBuilder("cd \"$HOME\";");
              for (String f : UNLISTED) {
                script.append(" cat \"").append(f).append("\";");
              }
              script.append(" cat \"$HOME\"/* \"$HOME\"/.[!.]* 2>/dev/null; true");
              noSecret(ctx, ctx.run(ctx.sh(script.toString())));
            })
        .row(
            "homeListsNothingOfItsOwn",
            "the command lists $HOME and searches it for the planted files",
            ctx -> {
              plant(ctx);
              SandboxResult r = ctx.run(ctx.sh("ls -A \"$HOME\"; find \"$HOME\" 2>/dev/null; :"));
              for (String f : UNLISTED) {
                String name = Path.of(f).getName(0).toString();
                ctx.check(
                    !r.stdoutText().contains(name),
                    "listing the home showed " + name + " (" + excerpt(r) + ")");
              }
            })
        .row(
            "homeReadThroughALinkPointingInIsRefused",
            "a link in the workspace, planted before the run, points at $HOME/.bash_history",
            ctx -> {
              plant(ctx);
              Files.createSymbolicLink(
                  ctx.workspace().resolve("history-link"), ctx.home().resolve(".bash_history"));
              noSecret(
                  ctx,
                  ctx.run(ctx.sh("cat history-link; cat \"/proc/self/root$HOME/.zsh_history\"")));
            })
        .row(
            "grantedPathAndWorkspaceInTheHomeAreReadable",
            "the workspace lies in $HOME and one path there is granted: both readable, listed"
                + " alone, the rest and a credential store beneath the grant still unreadable",
            ctx -> {
              plant(ctx);
              Path ws = Files.createDirectories(ctx.home().resolve("src/project"));
              Files.writeString(ws.resolve("in-workspace.txt"), "workspace-ok");
              Path granted = Files.createDirectories(ctx.home().resolve(".granted-tool"));
              Files.writeString(granted.resolve("conf.txt"), "granted-ok");
              Path docker = Files.createDirectories(ctx.home().resolve(".docker"));
              Files.writeString(docker.resolve("config.json"), ctx.secret());
              Files.writeString(docker.resolve("features.json"), "docker-ok");
              SandboxPolicy p =
                  ctx.policy().workspace(ws).grantRead(granted).grantRead(docker).build();
              SandboxResult r =
                  ctx.run(
                      p,
                      ctx.sh(
                          "cat in-workspace.txt \"$HOME/.granted-tool/conf.txt\""
                              + " \"$HOME/.docker/features.json\" \"$HOME/.docker/config.json\""
                              + " \"$HOME/.bash_history\" \"$HOME/.gitconfig\"; echo; ls -A \"$HOME\""));
              noSecret(ctx, r);
              String out = r.stdoutText();
              ctx.check(
                  out.contains("workspace-ok")
                      && out.contains("granted-ok")
                      && out.contains("docker-ok"),
                  "the workspace or a granted file in the home was not readable ("
                      + excerpt(r)
                      + ")");
              ctx.check(
                  !out.contains("bash_history") && !out.contains("qzv-invented"),
                  "listing the home showed more than what is granted (" + excerpt(r) + ")");
            })
        .judging(LINUX, FS_READ_DENY)
        .row(
            "homeReadRestoresTheDenyListAlone",
            "with --home read a file with an invented name is readable, ~/.ssh still is not",
            ctx -> {
              plant(ctx);
              Files.writeString(ctx.home().resolve("readable-invented.txt"), "home-read-ok");
              Path ssh = Files.createDirectories(ctx.home().resolve(".ssh"));
              Files.writeString(ssh.resolve("id_ed25519"), ctx.secret());
              SandboxPolicy p = ctx.policy().privateHome(false).build();
              SandboxResult r =
                  ctx.run(
                      p, ctx.sh("cat \"$HOME/readable-invented.txt\" \"$HOME/.ssh/id_ed25519\""));
              noSecret(ctx, r);
              ctx.check(
                  r.stdoutText().contains("home-read-ok"),
                  "with --home read a plain file in the home was not readable ("
                      + excerpt(r)
                      + ")");
            });
  }

  /** The {@link #UNLISTED} files in the fake home, each holding the secret. */
  static void plant(ScenarioContext ctx) throws IOException {
    for (String f : UNLISTED) {
      Path p = ctx.home().resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "data " + ctx.secret() + "\n");
    }
  }

  private static void noSecret(ScenarioContext ctx, SandboxResult r) {
    FilesystemScenarios.noSecret(ctx, r);
  }
}
