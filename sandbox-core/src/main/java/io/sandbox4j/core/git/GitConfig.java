package io.sandbox4j.core.git;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * git's configuration syntax, parsed conservatively: {@code [section]}, {@code [section "sub"]},
 * {@code key = value}, a key alone (boolean true), double quotes, the escapes {@code \\ \" \n \t
 * \b}, a backslash continuing the line, and {@code #} / {@code ;} comments. Anything else (a legacy
 * {@code [section.sub]} header, a key after a header on the same line, an unknown escape, a NUL, a
 * quote left open) is a {@link Syntax} error: the caller then treats the whole file as not inert.
 */
final class GitConfig {
  private GitConfig() {}

  /**
   * One variable.
   *
   * @param section lower case
   * @param subsection as written (case-sensitive), or null
   * @param key lower case
   * @param value null for a key without {@code =} (boolean true)
   */
  record Entry(String section, String subsection, String key, String value) {
    /** {@code section.key} or {@code section.<sub>.key} with the subsection as written. */
    String name() {
      return subsection == null ? section + "." + key : section + "." + subsection + "." + key;
    }
  }

  /** A file git might read differently from this parser. */
  static final class Syntax extends Exception {
    private static final long serialVersionUID = 1L;

    Syntax(int line, String what) {
      super("line " + line + ": " + what);
    }
  }

  static List<Entry> parse(String text) throws Syntax {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.indexOf('\0') >= 0) {
      throw new Syntax(1, "NUL byte");
    }
    List<Entry> out = new ArrayList<>();
    String section = null;
    String sub = null;
    int pos = 0;
    int line = 1;
    int n = text.length();
    while (pos < n) {
      // skip blank space at the start of a line
      while (pos < n && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
      if (pos >= n) {
        break;
      }
      char c = text.charAt(pos);
      if (c == '\n' || c == '\r') {
        if (c == '\r' && (pos + 1 >= n || text.charAt(pos + 1) != '\n')) {
          throw new Syntax(line, "lone carriage return");
        }
        pos += c == '\r' ? 2 : 1;
        line++;
        continue;
      }
      if (c == '#' || c == ';') {
        while (pos < n && text.charAt(pos) != '\n') {
          pos++;
        }
        continue;
      }
      if (c == '[') {
        int end = pos + 1;
        while (end < n && Character.isLetterOrDigit(text.charAt(end))
            || end < n && (text.charAt(end) == '-' || text.charAt(end) == '.')) {
          end++;
        }
        String name = text.substring(pos + 1, end);
        if (name.isEmpty() || name.contains(".") || !ascii(name)) {
          throw new Syntax(line, "section name '" + name + "' (legacy or odd header)");
        }
        section = name.toLowerCase(Locale.ROOT);
        sub = null;
        pos = end;
        if (pos < n && text.charAt(pos) == ' ') {
          while (pos < n && text.charAt(pos) == ' ') {
            pos++;
          }
          if (pos >= n || text.charAt(pos) != '"') {
            throw new Syntax(line, "header without a quoted subsection");
          }
          pos++;
          StringBuilder s = new StringBuilder();
          while (true) {
            if (pos >= n || text.charAt(pos) == '\n') {
              throw new Syntax(line, "subsection quote left open");
            }
            char d = text.charAt(pos++);
            if (d == '"') {
              break;
            }
            if (d == '\\') {
              if (pos >= n || text.charAt(pos) == '\n') {
                throw new Syntax(line, "backslash at the end of a header");
              }
              d = text.charAt(pos++);
            }
            s.append(d);
          }
          sub = s.toString();
        }
        if (pos >= n || text.charAt(pos) != ']') {
          throw new Syntax(line, "header not closed by ]");
        }
        pos++;
        pos = restOfLine(text, pos, line);
        continue;
      }
      if (!asciiLetter(c)) {
        throw new Syntax(line, "unexpected character '" + c + "'");
      }
      if (section == null) {
        throw new Syntax(line, "variable before any section");
      }
      int end = pos;
      while (end < n
          && (asciiLetter(text.charAt(end))
              || asciiDigit(text.charAt(end))
              || text.charAt(end) == '-')) {
        end++;
      }
      String key = text.substring(pos, end).toLowerCase(Locale.ROOT);
      pos = end;
      while (pos < n && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
      if (pos >= n
          || text.charAt(pos) == '\n'
          || text.charAt(pos) == '\r'
          || text.charAt(pos) == '#'
          || text.charAt(pos) == ';') {
        out.add(new Entry(section, sub, key, null));
        pos = restOfLine(text, pos, line);
        continue;
      }
      if (text.charAt(pos) != '=') {
        throw new Syntax(line, "expected '=' after " + key);
      }
      pos++;
      StringBuilder v = new StringBuilder();
      boolean quoted = false;
      int pendingSpace = 0;
      boolean started = false;
      while (true) {
        if (pos >= n) {
          if (quoted) {
            throw new Syntax(line, "quote left open");
          }
          break;
        }
        char d = text.charAt(pos);
        if (d == '\r' && pos + 1 < n && text.charAt(pos + 1) == '\n') {
          pos++;
          d = '\n';
        }
        if (d == '\n') {
          if (quoted) {
            throw new Syntax(line, "quote left open at the end of the line");
          }
          break;
        }
        pos++;
        if (!quoted && (d == '#' || d == ';')) {
          while (pos < n && text.charAt(pos) != '\n') {
            pos++;
          }
          break;
        }
        if (!quoted && (d == ' ' || d == '\t')) {
          if (started) {
            pendingSpace++;
          }
          continue;
        }
        if (pendingSpace > 0) {
          v.append(" ".repeat(pendingSpace));
          pendingSpace = 0;
        }
        if (d == '"') {
          quoted = !quoted;
          started = true;
          continue;
        }
        if (d == '\\') {
          if (pos >= n) {
            throw new Syntax(line, "backslash at the end of the file");
          }
          char e = text.charAt(pos++);
          if (e == '\r' && pos < n && text.charAt(pos) == '\n') {
            pos++;
            e = '\n';
          }
          switch (e) {
            case '\n' -> line++; // continuation
            case 'n' -> v.append('\n');
            case 't' -> v.append('\t');
            case 'b' -> v.append('\b');
            case '\\', '"' -> v.append(e);
            default -> throw new Syntax(line, "unknown escape \\" + e);
          }
          started = true;
          continue;
        }
        v.append(d);
        started = true;
      }
      out.add(new Entry(section, sub, key, v.toString()));
    }
    return List.copyOf(out);
  }

  /** After a header or a bare key: only blanks and a comment may follow. */
  private static int restOfLine(String text, int pos, int line) throws Syntax {
    int n = text.length();
    while (pos < n
        && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
      pos++;
    }
    if (pos < n && text.charAt(pos) != '\n' && text.charAt(pos) != '#' && text.charAt(pos) != ';') {
      throw new Syntax(line, "text after a header or key");
    }
    while (pos < n && text.charAt(pos) != '\n') {
      pos++;
    }
    return pos;
  }

  /** The entries written back in git's syntax, every value quoted and escaped. */
  static String format(List<Entry> entries) {
    StringBuilder out = new StringBuilder();
    String section = null;
    String sub = null;
    boolean first = true;
    for (Entry e : entries) {
      if (first || !e.section().equals(section) || !java.util.Objects.equals(e.subsection(), sub)) {
        section = e.section();
        sub = e.subsection();
        first = false;
        out.append('[').append(section);
        if (sub != null) {
          out.append(" \"").append(sub.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        out.append("]\n");
      }
      out.append('\t').append(e.key());
      if (e.value() != null) {
        out.append(" = \"");
        for (char c : e.value().toCharArray()) {
          switch (c) {
            case '\\' -> out.append("\\\\");
            case '"' -> out.append("\\\"");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '\b' -> out.append("\\b");
            default -> out.append(c);
          }
        }
        out.append('"');
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** The last value of {@code section.key} (any subsection when {@code anySub}), if any. */
  static Optional<String> last(List<Entry> entries, String section, String key) {
    String found = null;
    for (Entry e : entries) {
      if (e.section().equals(section) && e.subsection() == null && e.key().equals(key)) {
        found = e.value();
      }
    }
    return Optional.ofNullable(found);
  }

  private static boolean ascii(String s) {
    return s.chars().allMatch(ch -> ch < 128);
  }

  private static boolean asciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean asciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
