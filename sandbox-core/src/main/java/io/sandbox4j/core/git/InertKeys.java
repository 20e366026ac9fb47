package io.sandbox4j.core.git;

import io.sandbox4j.core.git.GitConfig.Entry;
import java.util.Set;

/**
 * The configuration variables a sanitized config keeps: those git needs to read the repository,
 * record who commits and track remotes, branches and submodules, none of which names a program, a
 * hook directory, another config file, a filter, a pager or an editor. Everything else is dropped
 * (an allow-list: a variable git adds tomorrow is dropped until it is judged).
 *
 * <p>Deliberately absent although common: {@code core.hooksPath}, {@code core.fsmonitor}, {@code
 * core.pager}, {@code core.editor}, {@code core.sshCommand}, {@code core.askPass}, {@code
 * core.gitProxy}, {@code include.*}, {@code includeIf.*}, {@code alias.*}, {@code filter.*}, {@code
 * diff.*}, {@code merge.*}, {@code credential.*}, {@code gpg.*}, {@code sequence.editor}, {@code
 * url.*.insteadOf}, {@code remote.*.uploadpack}, {@code remote.*.receivepack}, {@code
 * remote.*.vcs}, {@code remote.*.proxy}. {@code submodule.*.update} is kept only with a value that
 * names no command ({@code !cmd} runs cmd).
 */
final class InertKeys {
  private InertKeys() {}

  private static final Set<String> PLAIN =
      Set.of(
          "core.repositoryformatversion",
          "core.filemode",
          "core.bare",
          "core.logallrefupdates",
          "core.ignorecase",
          "core.precomposeunicode",
          "core.symlinks",
          "core.worktree",
          "core.autocrlf",
          "core.eol",
          "core.safecrlf",
          "core.quotepath",
          "core.sparsecheckout",
          "core.sparsecheckoutcone",
          "user.name",
          "user.email",
          "init.defaultbranch",
          "index.version");

  /** Keys of {@code section.<sub>.key} that are inert whatever the subsection. */
  private static final Set<String> WITH_SUBSECTION =
      Set.of(
          "remote.url",
          "remote.pushurl",
          "remote.fetch",
          "remote.push",
          "remote.mirror",
          "remote.tagopt",
          "remote.prune",
          "branch.remote",
          "branch.pushremote",
          "branch.merge",
          "branch.rebase",
          "submodule.url",
          "submodule.active",
          "submodule.path",
          "submodule.branch");

  private static final Set<String> SUBMODULE_UPDATE_VALUES =
      Set.of("checkout", "rebase", "merge", "none");

  static boolean inert(Entry e) {
    if (e.subsection() == null) {
      if (e.section().equals("extensions")) {
        return true; // read to open the repository; none names a program
      }
      return PLAIN.contains(e.section() + "." + e.key());
    }
    if (e.subsection().indexOf('\n') >= 0 || e.subsection().indexOf('\0') >= 0) {
      return false;
    }
    if (e.section().equals("submodule") && e.key().equals("update")) {
      return e.value() != null && SUBMODULE_UPDATE_VALUES.contains(e.value());
    }
    return WITH_SUBSECTION.contains(e.section() + "." + e.key());
  }
}
