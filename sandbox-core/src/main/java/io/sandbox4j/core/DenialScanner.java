package io.sandbox4j.core;

import io.sandbox4j.api.SandboxPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a copy of a command's standard error as it passes and keeps the paths named in error
 * messages the sandbox can cause: EACCES and EPERM ({@code Permission denied}, {@code Operation not
 * permitted}), EROFS ({@code Read-only file system}) and ENOENT ({@code No such file or directory},
 * which a hidden path gives). Bounded: lines longer than {@link #MAX_LINE} bytes are cut, at most
 * {@link #MAX_PATHS} paths are kept; the stream itself is never held back.
 *
 * <p>A path counts only when the policy denies the access the message implies (EROFS: a write;
 * ENOENT: a read; EACCES: a write when the policy denies that, else a read), so a file the user
 * simply lacks permission for is not blamed on the sandbox.
 */
final class DenialScanner {
  static final int MAX_LINE = 4096;
  static final int MAX_PATHS = 32;

  /** errno texts in the forms coreutils, shells, Python, Go and the JDK print them. */
  private static final Pattern ERROR =
      Pattern.compile(
          "(?i)(permission denied|operation not permitted|read-only file system"
              + "|no such file or directory)");

  /**
   * Path candidates: quoted ('x', "x", `x', ‘x’) or bare tokens that start with / or ./ or ../ or
   * ~/ and run to a space, colon, quote or bracket.
   */
  private static final Pattern PATH =
      Pattern.compile(
          "['\"`\u2018\u201c]([^'\"`\u2019\u201d\\n]{1,1024})['\"\u2019\u201d]"
              + "|(?<![\\w.~/-])((?:/|\\./|\\.\\./|~/)[^\\s:'\"`,;()\\[\\]]{0,1024})");

  /** Words of the tools that write: {@code cannot create}, {@code touch:}, {@code mkdir:}... */
  private static final Pattern WRITE_HINT =
      Pattern.compile(
          "(?i)(creat|touch|writ|mkdir|remov|renam|unlink|\\b(rm|cp|mv|ln|tee|install|chmod):)");

  private static final String READ = "read";
  private static final String WRITE = "write";
  private static final String EITHER = "either";

  private final byte[] line = new byte[MAX_LINE];
  private int length;
  private boolean cut;
  private final Map<String, String> found = new LinkedHashMap<>(); // path -> what it implies

  /** Takes the next bytes of standard error. */
  synchronized void accept(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (c == '\n') {
        endLine();
      } else if (length < MAX_LINE) {
        line[length++] = c;
      } else {
        cut = true;
      }
    }
  }

  private void endLine() {
    if (length > 0 && found.size() < MAX_PATHS) {
      scan(new String(line, 0, length, StandardCharsets.UTF_8));
    }
    length = 0;
    cut = false;
  }

  private void scan(String text) {
    Matcher e = ERROR.matcher(text);
    if (!e.find()) {
      return;
    }
    String errno = e.group(1).toLowerCase(Locale.ROOT);
    String implies =
        switch (errno) {
          case "read-only file system" -> WRITE;
          case "no such file or directory" -> READ;
          default -> WRITE_HINT.matcher(text).find() ? WRITE : EITHER;
        };
    Matcher m = PATH.matcher(text);
    while (m.find() && found.size() < MAX_PATHS) {
      String p = m.group(1) != null ? m.group(1) : m.group(2);
      if (p.startsWith("/") || p.startsWith("./") || p.startsWith("../") || m.group(1) != null) {
        found.putIfAbsent(p, implies);
      }
    }
  }

  /**
   * The denials the policy explains, one per path, in the order the paths appeared; a path the
   * policy allows is left out.
   */
  synchronized List<Denial> denials(SandboxPolicy policy) {
    if (length > 0 && !cut) {
      endLine();
    }
    List<Denial> out = new ArrayList<>();
    for (Map.Entry<String, String> f : found.entrySet()) {
      Path path;
      try {
        String p = f.getKey();
        if (p.startsWith("~/")) {
          continue; // the command's HOME is not the policy's to know
        }
        path = Path.of(p);
      } catch (InvalidPathException e) {
        continue;
      }
      if (!path.isAbsolute() && path.getNameCount() > 1 && !f.getKey().startsWith(".")) {
        continue; // a quoted phrase with slashes, not a path relative to the working directory
      }
      PolicyVerdict v = verdict(policy, path, f.getValue());
      if (v != null && !v.allowed()) {
        Denial d = Denial.inferred(v);
        if (out.stream().noneMatch(o -> o.target().equals(d.target()))) {
          out.add(d);
        }
      }
    }
    return out;
  }

  /**
   * The policy's verdict on the access the message implies. For a bare EACCES that could be either,
   * a read the policy denies is blamed; otherwise a write the policy denies, unless the caller
   * cannot read the file either (then its own permissions refused it, not the sandbox).
   */
  private static PolicyVerdict verdict(SandboxPolicy policy, Path path, String implies) {
    return switch (implies) {
      case WRITE -> PolicyCheck.write(policy, path);
      case READ -> PolicyCheck.read(policy, path);
      default -> {
        PolicyVerdict r = PolicyCheck.read(policy, path);
        if (!r.allowed()) {
          yield r;
        }
        Path p = policy.workingDirectory().resolve(path);
        yield Files.exists(p) && !Files.isReadable(p) ? null : PolicyCheck.write(policy, path);
      }
    };
  }
}
