package io.sandbox4j.core.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(value = OS.LINUX, disabledReason = "git is looked for at /usr/bin/git")
class GlobalGitConfigTest {
  @TempDir Path dir;

  static final String WITH_SECRETS =
      """
      [user]
      \tname = Ada Example
      \temail = ada@example.test
      \tsigningkey = ABCDEF12
      [core]
      \thooksPath = /home/ada/hooks
      \tfsmonitor = true
      \tsshCommand = ssh -i /home/ada/.ssh/deploy
      \tpager = less
      \tautocrlf = input
      [alias]
      \tco = checkout
      [init]
      \tdefaultBranch = trunk
      \ttemplateDir = /home/ada/.git-templates
      [url "https://x-access-token:ghp_ABCDEFGHIJKLMNOP1234@git.corp.test/"]
      \tinsteadOf = https://git.corp.test/
      [url "https://git.corp.test/"]
      \tpushInsteadOf = git@git.corp.test:
      [http "https://git.corp.test/"]
      \textraHeader = AUTHORIZATION: basic c2VjcmV0
      [credential]
      \thelper = store
      [credential "https://git.corp.test"]
      \tusername = ada
      [include]
      \tpath = ~/.gitconfig.secret
      [includeIf "gitdir:~/work/"]
      \tpath = ~/.gitconfig.work
      [commit]
      \tgpgSign = true
      [pull]
      \trebase = true
      [sendemail]
      \tsmtpPass = hunter2
      [github]
      \ttoken = ghp_ZYXWVUTSRQPONMLK9876
      [color "diff"]
      \tmeta = yellow
      [diff "secret"]
      \ttextconv = /usr/bin/decrypt
      """;

  @Test
  void keepsIdentityAndOrdinarySettingsAndDropsEveryCredentialAndProgram() {
    GlobalGitConfig.Copy c = GlobalGitConfig.sanitize(WITH_SECRETS);
    assertThat(c.problem()).isEmpty();
    assertThat(c.text())
        .contains(
            "name = \"Ada Example\"",
            "email = \"ada@example.test\"",
            "signingkey = \"ABCDEF12\"",
            "autocrlf = \"input\"",
            "co = \"checkout\"",
            "defaultbranch = \"trunk\"",
            "rebase = \"true\"",
            "[color \"diff\"]")
        .doesNotContain(
            "ghp_",
            "c2VjcmV0",
            "hunter2",
            "git.corp.test",
            "hooks",
            "fsmonitor",
            "ssh",
            "pager",
            "template",
            "credential",
            "include",
            "gpgsign",
            "decrypt",
            "ada\n");
    assertThat(c.dropped())
        .contains("url.*.insteadof", "http.*.extraheader", "credential.helper", "include.path")
        .noneMatch(n -> n.contains("ghp_") || n.contains("corp"));
  }

  @Test
  void aFileThisParserCannotReadExactlyGivesAnEmptyCopy() {
    GlobalGitConfig.Copy c = GlobalGitConfig.sanitize("[user.legacy]\nname = x\n");
    assertThat(c.text()).isEmpty();
    assertThat(c.problem()).startsWith("not copied: line 1");
  }

  @Test
  void aValueCarryingATokenIsDroppedWhateverItsKey() {
    GlobalGitConfig.Copy c =
        GlobalGitConfig.sanitize(
            "[alias]\n\tpub = push https://bot:glpat-abcdef123456@git.corp.test/x\n"
                + "\tst = status\n");
    assertThat(c.text()).contains("st = \"status\"").doesNotContain("glpat", "pub");
  }

  @Test
  void theCopyMergesXdgThenHomeAsGitReadsThemAndIsReadOnly() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(home.resolve(".config/git"));
    Files.writeString(home.resolve(".config/git/config"), "[user]\n\tname = From Xdg\n");
    Files.writeString(home.resolve(".gitconfig"), WITH_SECRETS);
    List<Path> files = GlobalGitConfig.globalFiles(Map.of(), home);
    assertThat(files)
        .containsExactly(home.resolve(".config/git/config"), home.resolve(".gitconfig"));
    Path target = dir.resolve("copy");
    List<String> notes = GlobalGitConfig.writeCopy(files, target);
    String text = Files.readString(target);
    assertThat(text.indexOf("From Xdg")).isLessThan(text.indexOf("Ada Example"));
    assertThat(text).doesNotContain("ghp_");
    assertThat(Files.isWritable(target) && !isRoot()).isFalse();
    assertThat(notes).anySatisfy(n -> assertThat(n).contains("left out", "credential.helper"));
    Path git = Path.of("/usr/bin/git");
    if (Files.isExecutable(git)) {
      // git itself reads the copy: the last user.name wins, as it would from the two files
      Process p =
          new ProcessBuilder(git.toString(), "config", "--file", target.toString(), "user.name")
              .start();
      assertThat(new String(p.getInputStream().readAllBytes()).strip()).isEqualTo("Ada Example");
      assertThat(p.waitFor()).isZero();
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
