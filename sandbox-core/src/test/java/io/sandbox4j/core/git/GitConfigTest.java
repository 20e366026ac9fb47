package io.sandbox4j.core.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.core.git.GitConfig.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitConfigTest {

  @Test
  void readsSectionsSubsectionsQuotesEscapesCommentsAndContinuations() throws Exception {
    List<Entry> e =
        GitConfig.parse(
            "\uFEFF# comment\n"
                + "[Core]\n"
                + "\tRepositoryFormatVersion = 0 ; trailing\n"
                + "\tbare\n"
                + "[remote \"Up \\\"stream\\\"\"]\n"
                + "  url = \"a b\"  c # comment\n"
                + "  fetch = +refs/heads/*:\\\n"
                + "refs/remotes/up/*\n"
                + "[alias]\n"
                + "\tx = \"!sh -c \\\"echo\\tdone\\\"\\n\"\r\n");
    assertThat(e)
        .containsExactly(
            new Entry("core", null, "repositoryformatversion", "0"),
            new Entry("core", null, "bare", null),
            new Entry("remote", "Up \"stream\"", "url", "a b  c"), // as git reads it
            new Entry("remote", "Up \"stream\"", "fetch", "+refs/heads/*:refs/remotes/up/*"),
            new Entry("alias", null, "x", "!sh -c \"echo\tdone\"\n"));
  }

  @Test
  void oddSyntaxIsRefusedRatherThanGuessed() {
    for (String odd :
        List.of(
            "[core.sub]\nx = 1\n", // legacy subsection
            "[core] fsmonitor = x\n", // key on the header line
            "[core]\nfsmonitor = \"x\n", // open quote
            "[core]\nfsmonitor = \\q\n", // unknown escape
            "x = 1\n", // before any section
            "[core]\n1x = 2\n",
            "[core]\nfsmonitor x\n",
            "[core \"a\"b]\n",
            "[core]\nx = a\0b\n",
            "[core]\rfsmonitor = x\n")) {
      assertThatThrownBy(() -> GitConfig.parse(odd)).as(odd).isInstanceOf(GitConfig.Syntax.class);
    }
  }

  @Test
  void formatReadsBackToTheSameEntries() throws Exception {
    List<Entry> in =
        List.of(
            new Entry("core", null, "bare", "false"),
            new Entry("core", null, "logallrefupdates", null),
            new Entry("remote", "o\"r\\g", "url", " /p;a#t\\h \"q\"\n\t"),
            new Entry("branch", "main", "merge", "refs/heads/main"));
    assertThat(GitConfig.parse(GitConfig.format(in))).isEqualTo(in);
  }

  @Test
  void onlyInertVariablesAreKept() throws Exception {
    List<Entry> e =
        GitConfig.parse(
            "[core]\n repositoryformatversion = 0\n fsmonitor = touch x\n hooksPath = h\n"
                + " pager = p\n editor = e\n sshCommand = s\n worktree = ../..\n"
                + "[include]\n path = x\n[includeIf \"gitdir:/\"]\n path = y\n"
                + "[alias]\n st = !x\n[filter \"lfs\"]\n clean = c\n"
                + "[diff]\n external = d\n[credential]\n helper = h\n[gpg]\n program = g\n"
                + "[submodule \"a\"]\n url = ../a\n update = !touch x\n active = true\n"
                + "[submodule \"b\"]\n update = rebase\n"
                + "[remote \"o\"]\n url = u\n uploadpack = evil\n vcs = x\n"
                + "[url \"evil\"]\n insteadOf = u\n[extensions]\n objectFormat = sha256\n"
                + "[user]\n name = n\n");
    assertThat(e.stream().filter(InertKeys::inert).map(Entry::name))
        .containsExactly(
            "core.repositoryformatversion",
            "core.worktree",
            "submodule.a.url",
            "submodule.a.active",
            "submodule.b.update",
            "remote.o.url",
            "extensions.objectformat",
            "user.name");
  }
}
