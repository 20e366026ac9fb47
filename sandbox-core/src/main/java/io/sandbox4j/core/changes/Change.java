package io.sandbox4j.core.changes;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.charset.StandardCharsets;
import org.apiguardian.api.API;

/**
 * One change of a change set, relative to the workspace.
 *
 * @param path the path relative to the workspace, with '/' separators
 * @param kind added, changed or deleted
 * @param type what the entry is (in the layer; for a deletion, in the real tree)
 * @param size bytes of a file's new content (for a deletion, of the real file); 0 otherwise
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Change(String path, Kind kind, Type type, long size) {
  /** What happened to the path. */
  public enum Kind {
    ADDED,
    CHANGED,
    DELETED
  }

  /** What the entry is. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    /** A FIFO, socket or device node: never applied. */
    OTHER
  }

  /** A one-letter status and the path, as in {@code git status --short}: {@code A x}. */
  @Override
  public String toString() {
    return kind.name().charAt(0) + " " + quote(path + (type == Type.DIRECTORY ? "/" : ""));
  }

  /**
   * A path as it may be shown to the person reviewing the change set: as it is, or, when it holds a
   * control, format or separator character (a newline forging a line, an escape sequence rewriting
   * the terminal, a bidirectional override), a quote or a backslash, in double quotes with C
   * escapes and the other bytes in octal, as git quotes names.
   */
  public static String quote(String path) {
    boolean plain = true;
    for (int i = 0; i < path.length() && plain; ) {
      int cp = path.codePointAt(i);
      plain = cp != '"' && cp != '\\' && !special(cp);
      i += Character.charCount(cp);
    }
    if (plain) {
      return path;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < path.length(); ) {
      int cp = path.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (special(cp)) {
            for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
              sb.append('\\').append(String.format("%03o", b & 0xff));
            }
          } else {
            sb.appendCodePoint(cp);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static boolean special(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.UNASSIGNED,
          Character.PRIVATE_USE,
          Character.SURROGATE ->
          true;
      default -> cp == 0xFFFD;
    };
  }
}
