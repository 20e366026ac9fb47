package io.sandbox4j.core.git;

import io.sandbox4j.core.git.GitConfig.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The user's global git configuration as the sandbox may see it: identity and ordinary settings,
 * without credentials. Front ends write the copy into a per-run directory outside every writable
 * root and point {@code GIT_CONFIG_GLOBAL} at it, so that {@code git commit} inside uses the user's
 * {@code user.name}/{@code user.email} while {@code ~/.gitconfig} itself stays unreadable.
 *
 * <p>Kept (an allow-list of sections): user, core, alias, init, color, push, pull, fetch, merge,
 * rebase, diff, branch, advice, status, log, format, tag, commit, help, column, rerere, safe,
 * submodule, feature, index, gc, pack, protocol, grep, blame, am, apply, interactive, checkout,
 * clone, maintenance, trailer, filter "lfs". Dropped: every other section (credential, url with its
 * insteadOf rewrites, http with its extraheader, include, includeIf, gpg, sendemail, remote...),
 * keys that name a program, hook or file ({@code core.hooksPath}, {@code core.fsmonitor}, {@code
 * core.sshCommand}, {@code core.askPass}, {@code core.pager}, {@code init.templateDir}, {@code
 * *.textconv}, {@code *.driver}...), signing switches whose keys stay unreadable, and any entry
 * whose key or value looks like a credential (userinfo in a URL, a token-shaped value, a key named
 * token, password or secret). A file this parser cannot read exactly gives an empty copy.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GlobalGitConfig {
  private GlobalGitConfig() {}

  /**
   * The sanitized text and what was left out.
   *
   * @param text the copy, in git's syntax
   * @param dropped the names of the entries left out (no values, no subsections)
   * @param problem empty, or why a file was not copied at all
   */
  public record Copy(String text, List<String> dropped, String problem) {}

  private static final Set<String> SECTIONS =
      Set.of(
          "user",
          "core",
          "alias",
          "init",
          "color",
          "push",
          "pull",
          "fetch",
          "merge",
          "rebase",
          "diff",
          "branch",
          "advice",
          "status",
          "log",
          "format",
          "tag",
          "commit",
          "help",
          "column",
          "rerere",
          "safe",
          "submodule",
          "feature",
          "index",
          "gc",
          "pack",
          "protocol",
          "grep",
          "blame",
          "am",
          "apply",
          "interactive",
          "checkout",
          "clone",
          "maintenance",
          "trailer",
          "filter");

  /** Keys that run a program or name a file outside the grant, in any section. */
  private static final Set<String> EXEC_KEYS =
      Set.of(
          "hookspath",
          "fsmonitor",
          "sshcommand",
          "askpass",
          "gitproxy",
          "pager",
          "editor",
          "textconv",
          "external",
          "driver",
          "cmd",
          "command",
          "program",
          "helper",
          "templatedir",
          "excludesfile",
          "attributesfile",
          "gpgsign",
          "signoff",
          "template",
          "tool",
          "path",
          "usebuiltinfsmonitor",
          "untrackedcache");

  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "token|passw|secret|auth|cookie|header|credential|key$", Pattern.CASE_INSENSITIVE);

  private static final Pattern SECRET_VALUE =
      Pattern.compile(
          "://[^/\\s]*@|\\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{10,}|github_pat_|glpat-|xox[abposr]-"
              + "|\\b(bearer|basic)\\s|AKIA[0-9A-Z]{12,}",
          Pattern.CASE_INSENSITIVE);

  /** Sanitizes one configuration file's text. */
  public static Copy sanitize(String text) {
    List<Entry> entries;
    try {
      entries = GitConfig.parse(text);
    } catch (GitConfig.Syntax e) {
      return new Copy("", List.of(), "not copied: " + e.getMessage());
    }
    List<Entry> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (Entry e : entries) {
      if (keep(e)) {
        kept.add(e);
      } else {
        // the subsection is not shown: url."https://TOKEN@host/".insteadOf carries the secret there
        dropped.add(e.section() + (e.subsection() == null ? "" : ".*") + "." + e.key());
      }
    }
    return new Copy(GitConfig.format(kept), List.copyOf(dropped), "");
  }

  static boolean keep(Entry e) {
    if (!SECTIONS.contains(e.section()) || EXEC_KEYS.contains(e.key())) {
      return false;
    }
    if (e.section().equals("filter") && !"lfs".equals(e.subsection())) {
      return false;
    }
    if (e.section().equals("user") && e.key().equals("signingkey")) {
      return true; // a key id, not a key: the secret key stays in the unreadable keyring
    }
    if (SECRET_NAME.matcher(e.key()).find()) {
      return false;
    }
    String v = e.value() == null ? "" : e.value();
    String sub = e.subsection() == null ? "" : e.subsection();
    return !SECRET_VALUE.matcher(v).find() && !SECRET_VALUE.matcher(sub).find();
  }

  /**
   * The user's global configuration files in the order git reads them: {@code
   * $XDG_CONFIG_HOME/git/config} (or ~/.config/git/config), then ~/.gitconfig.
   */
  public static List<Path> globalFiles(Map<String, String> env, Path home) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path x =
        xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg).resolve("git/config")
            : home.resolve(".config/git/config");
    return List.of(x, home.resolve(".gitconfig"));
  }

  /**
   * Writes the sanitized copy of {@code files} (those that exist) to {@code target}, readable by
   * its owner only and not writable; returns what was left out and why a file was not copied.
   */
  public static List<String> writeCopy(List<Path> files, Path target) throws IOException {
    StringBuilder text = new StringBuilder();
    List<String> notes = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        continue;
      }
      if (Files.size(f) > 1 << 20) {
        notes.add(f + ": not copied: larger than 1 MiB");
        continue;
      }
      Copy c = sanitize(Files.readString(f));
      text.append("# sanitized copy of ").append(f).append(" made by sandbox4j\n").append(c.text());
      if (!c.problem().isEmpty()) {
        notes.add(f + ": " + c.problem());
      }
      if (!c.dropped().isEmpty()) {
        notes.add(
            f
                + ": left out "
                + String.join(
                    ", ",
                    c.dropped().stream().map(n -> n.toLowerCase(Locale.ROOT)).distinct().toList()));
      }
    }
    Files.writeString(target, text);
    target.toFile().setWritable(false, false);
    return notes;
  }
}
