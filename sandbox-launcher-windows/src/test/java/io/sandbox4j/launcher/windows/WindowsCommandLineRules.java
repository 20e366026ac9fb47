package io.sandbox4j.launcher.windows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Independent models of how Windows splits a command line, written from Microsoft's documentation
 * so that the launcher's quoting is checked against the rules rather than against itself.
 *
 * <ul>
 *   <li>{@link #commandLineToArgv}: "Parsing C++ command-line arguments" / CommandLineToArgvW. The
 *       program name ends at the next quote if it starts with one, else at the first space or tab;
 *       no escapes in it. Then: whitespace outside quotes separates; 2n backslashes and a quote
 *       give n backslashes and toggle quoting; 2n+1 backslashes and a quote give n backslashes and
 *       a literal quote; backslashes not before a quote are literal; in quoted mode a doubled quote
 *       is a literal quote.
 *   <li>{@link #cmdSlashC}: cmd.exe's {@code /s /c} rule from {@code cmd /?}: strip the first
 *       character if it is a quote and the last quote of the line, keep the rest as typed; then the
 *       documented parsing phases that matter here: {@code %name%} is replaced when {@code name} is
 *       defined (left as typed otherwise, on the command line), then a caret outside quotes escapes
 *       the next character and is removed, a quote toggles quoting (and is kept), and {@code & | <
 *       >} outside quotes end the command.
 * </ul>
 */
final class WindowsCommandLineRules {
  private WindowsCommandLineRules() {}

  static List<String> commandLineToArgv(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    StringBuilder cur = new StringBuilder();
    if (n > 0 && line.charAt(0) == '"') {
      int end = line.indexOf('"', 1);
      end = end < 0 ? n : end;
      out.add(line.substring(1, end));
      i = Math.min(n, end + 1);
    } else {
      while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        cur.append(line.charAt(i++));
      }
      out.add(cur.toString());
      cur.setLength(0);
    }
    while (true) {
      while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      if (i >= n) {
        return out;
      }
      boolean quoted = false;
      while (i < n) {
        char c = line.charAt(i);
        if (!quoted && (c == ' ' || c == '\t')) {
          break;
        }
        if (c == '\\') {
          int start = i;
          while (i < n && line.charAt(i) == '\\') {
            i++;
          }
          int count = i - start;
          if (i < n && line.charAt(i) == '"') {
            cur.append("\\".repeat(count / 2));
            if (count % 2 == 1) {
              cur.append('"');
              i++;
            }
          } else {
            cur.append("\\".repeat(count));
          }
          continue;
        }
        if (c == '"') {
          if (quoted && i + 1 < n && line.charAt(i + 1) == '"') {
            cur.append('"');
            i += 2;
            continue;
          }
          quoted = !quoted;
          i++;
          continue;
        }
        cur.append(c);
        i++;
      }
      out.add(cur.toString());
      cur.setLength(0);
    }
  }

  /** What cmd.exe did with a {@code cmd /s /c} command line. */
  record CmdParse(String script, String command, boolean endedEarly) {}

  /**
   * Models cmd.exe given {@code afterSwitch}, the text after {@code /c} (with {@code /s}): the
   * stripped script as typed, then the command cmd hands to the program after percent expansion
   * with {@code env} and caret removal, and whether an unescaped {@code & | < >} ended it early.
   */
  static CmdParse cmdSlashC(String afterSwitch, Map<String, String> env) {
    String s = afterSwitch.stripLeading();
    if (s.startsWith("\"")) {
      int last = s.lastIndexOf('"');
      s = last > 0 ? s.substring(1, last) + s.substring(last + 1) : s.substring(1);
    }
    String script = s;
    // Phase 1: percent expansion; an undefined name is left as typed on the command line.
    StringBuilder expanded = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int close = c == '%' ? s.indexOf('%', i + 1) : -1;
      if (close > i + 1 && env.containsKey(s.substring(i + 1, close))) {
        expanded.append(env.get(s.substring(i + 1, close)));
        i = close;
      } else {
        expanded.append(c);
      }
    }
    // Phase 2: quotes, carets and command separators.
    StringBuilder cmd = new StringBuilder();
    boolean quoted = false;
    String e = expanded.toString();
    for (int i = 0; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        cmd.append(c);
      } else if (!quoted && c == '^') {
        if (i + 1 < e.length()) {
          cmd.append(e.charAt(++i));
        }
      } else if (!quoted && "&|<>".indexOf(c) >= 0) {
        return new CmdParse(script, cmd.toString(), true);
      } else {
        cmd.append(c);
      }
    }
    return new CmdParse(script, cmd.toString(), false);
  }
}
