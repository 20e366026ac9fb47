package io.sandbox4j.launcher.windows;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pure helpers for CreateProcessW arguments: the executable (PATH and PATHEXT lookup, batch-file
 * refusal on the name as Windows normalises it), the command line (CommandLineToArgvW quoting, or
 * cmd.exe's own rules when the program is cmd.exe), and the environment block. No native calls:
 * tested on any OS, also on a Windows-semantics file system.
 */
final class CommandLines {
  private CommandLines() {}

  /** The PATHEXT Windows uses when the variable is not set. */
  static final String DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD";

  /** Characters cmd.exe treats specially outside quotes; each is escaped with a caret. */
  static final String CMD_METACHARACTERS = "^&|<>()%!\"";

  /**
   * Joins arguments the way CommandLineToArgvW and the MSVC runtime split them: quotes around
   * arguments with spaces, tabs or quotes; backslashes doubled only before a quote.
   */
  static String join(List<String> args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(a));
    }
    return sb.toString();
  }

  /** One argument quoted for CommandLineToArgvW (see {@link #join}). */
  static String quote(String a) {
    if (a.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("argument contains a NUL character: " + a);
    }
    if (!a.isEmpty() && a.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"')) {
      return a;
    }
    StringBuilder sb = new StringBuilder("\"");
    int backslashes = 0;
    for (char c : a.toCharArray()) {
      if (c == '\\') {
        backslashes++;
      } else if (c == '"') {
        sb.append("\\".repeat(backslashes * 2 + 1)).append('"');
        backslashes = 0;
      } else {
        sb.append("\\".repeat(backslashes)).append(c);
        backslashes = 0;
      }
    }
    return sb.append("\\".repeat(backslashes * 2)).append('"').toString();
  }

  /**
   * The command line CreateProcessW gets for {@code command} (its first word already the resolved
   * executable). For cmd.exe with {@code /c} or {@code /k}, the word after the switch is a cmd
   * script, as with {@code sh -c}: it reaches cmd verbatim, and cmd parses it with its own rules.
   * Otherwise every argument is quoted for CommandLineToArgvW ({@link #join}).
   */
  static String commandLine(List<String> command) {
    if (isCmd(command.get(0))) {
      return cmdLine(command);
    }
    return join(command);
  }

  /** Whether {@code exe} names cmd.exe (its file name, normalised as Windows does). */
  static boolean isCmd(String exe) {
    String name = normalisedFileName(exe);
    return name.equals("cmd.exe") || name.equals("cmd");
  }

  /**
   * cmd.exe's command line: {@code cmd.exe <switches> /s /c "<script> <args>"}.
   *
   * <p>With {@code /s}, cmd strips the first and the last quote of what follows {@code /c} and runs
   * the rest as typed, so the script needs no escaping at all (the CRT's {@code \"} means nothing
   * to cmd). Words after the script are arguments for the program the script starts: each is quoted
   * for CommandLineToArgvW, then every cmd metacharacter ({@value #CMD_METACHARACTERS}) in it is
   * escaped with a caret, so that cmd neither splits, redirects nor expands it ({@code ^%} defeats
   * {@code %VAR%} expansion; {@code ^"} does not open a quote).
   *
   * @throws SandboxException (exit 2) for what cmd cannot be given safely: a line break or NUL (cmd
   *     stops at the first line break), a switch that is not a plain {@code /x}, extra arguments
   *     after a script with an odd number of quotes (the carets would be inside a quoted string and
   *     stay literal), or no script after {@code /c}
   */
  static String cmdLine(List<String> command) {
    StringBuilder sb = new StringBuilder(quote(command.get(0)));
    int i = 1;
    boolean hasS = false;
    boolean delayedOn = false;
    boolean delayedGiven = false;
    for (; i < command.size(); i++) {
      String sw = command.get(i);
      String lower = sw.toLowerCase(Locale.ROOT);
      if (lower.equals("/c") || lower.equals("/k") || lower.equals("/r")) { // /r is /c
        break;
      }
      if (!sw.matches("/[A-Za-z](:[A-Za-z0-9]+)?")) {
        throw SandboxException.invalid(
            "cmd.exe switch '"
                + sw
                + "' is not of the form /x or /x:value; put the command after /c as one word");
      }
      hasS |= lower.equals("/s");
      delayedOn |= lower.equals("/v:on");
      delayedGiven |= lower.startsWith("/v:");
      sb.append(' ').append(sw);
    }
    if (i >= command.size() - 1) {
      throw SandboxException.invalid(
          "cmd.exe needs /c (or /k) followed by the command line to run, as one word: " + command);
    }
    String c = command.get(i);
    String script = command.get(i + 1);
    List<String> args = command.subList(i + 2, command.size());
    for (String part : command.subList(i + 1, command.size())) {
      if (part.indexOf('\r') >= 0 || part.indexOf('\n') >= 0 || part.indexOf('\0') >= 0) {
        throw SandboxException.invalid(
            "cmd.exe command line contains a line break or NUL, where cmd stops reading: "
                + part.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0"));
      }
    }
    if (!args.isEmpty() && script.chars().filter(ch -> ch == '"').count() % 2 != 0) {
      throw SandboxException.invalid(
          "cmd.exe script '"
              + script
              + "' leaves a quote open, so the arguments after it could not be escaped: close"
              + " the quote or put everything into the script");
    }
    if (!args.isEmpty()) {
      // With delayed expansion (/v:on, or the DelayedExpansion registry value) cmd expands !name!
      // after the carets are gone: turn it off for escaped arguments, refuse if asked for.
      if (delayedOn && args.stream().anyMatch(a -> a.indexOf('!') >= 0)) {
        throw SandboxException.invalid(
            "cmd.exe /v:on would expand '!' in the arguments after the script: put them into the"
                + " script, or drop /v:on");
      }
      if (!delayedGiven) {
        sb.append(" /v:off");
      }
    }
    if (!hasS) {
      sb.append(" /s");
    }
    sb.append(' ').append(c).append(" \"").append(script);
    for (String a : args) {
      sb.append(' ').append(caretEscape(quote(a)));
    }
    return sb.append('"').toString();
  }

  /** {@code s} with a caret before every cmd metacharacter. */
  static String caretEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (char ch : s.toCharArray()) {
      if (CMD_METACHARACTERS.indexOf(ch) >= 0) {
        sb.append('^');
      }
      sb.append(ch);
    }
    return sb.toString();
  }

  /**
   * The executable for {@code command}, as CreateProcessW will be given it.
   *
   * <ul>
   *   <li>A name without a path separator is searched on {@code path} only (never the working
   *       directory first): in each directory a name with an extension is tried as is, then every
   *       name with each PATHEXT extension appended; an extensionless name is never tried bare (an
   *       extensionless {@code npm} shim must not win over {@code npm.cmd}, and CreateProcessW
   *       cannot run it anyway).
   *   <li>A relative name with a separator ({@code .\tool.exe}, {@code bin\tool}) resolves against
   *       the sandbox's working directory, not this JVM's, with the same PATHEXT rule.
   *   <li>Drive-relative ({@code C:tool.exe}) and rooted-without-drive ({@code \tool.exe}) names
   *       depend on per-drive state of this process: refused.
   * </ul>
   *
   * @return the file, as found (not resolved through links), or empty
   */
  static Optional<Path> resolve(
      String command, Path workingDirectory, String path, String pathext) {
    if (!command.startsWith("\\\\?\\")) {
      // Win32 path normalisation: trailing dots and spaces of the name are not part of it.
      command = command.replaceAll("[. ]+$", "");
    }
    List<String> exts = new ArrayList<>();
    for (String e : (pathext == null || pathext.isBlank() ? DEFAULT_PATHEXT : pathext).split(";")) {
      if (!e.isBlank()) {
        exts.add(e.trim());
      }
    }
    String fileName =
        command.substring(Math.max(command.lastIndexOf('\\'), command.lastIndexOf('/')) + 1);
    boolean hasExtension = fileName.lastIndexOf('.') > 0;
    if (command.contains("\\") || command.contains("/") || command.matches("[A-Za-z]:.*")) {
      Optional<Path> given = path(workingDirectory, command);
      if (given.isPresent() && given.get().isAbsolute()) {
        return candidate(given.get(), hasExtension, exts);
      }
      if (command.matches("[A-Za-z]:.*") || command.startsWith("\\") || command.startsWith("/")) {
        throw SandboxException.cannotSandbox(
            "command '"
                + command
                + "' is relative to a drive's current directory or root: give a full path such"
                + " as C:\\dir\\tool.exe, or a path relative to the working directory");
      }
      return given.isEmpty()
          ? Optional.empty()
          : candidate(workingDirectory.resolve(given.get()), hasExtension, exts);
    }
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(";")) {
      String d = dir.strip();
      if (d.length() >= 2 && d.startsWith("\"") && d.endsWith("\"")) {
        d = d.substring(1, d.length() - 1);
      }
      if (d.isBlank()) {
        continue;
      }
      Optional<Path> p = path(workingDirectory, d);
      if (p.isEmpty() || !p.get().isAbsolute()) {
        continue; // a relative PATH entry would depend on this JVM's directory: skipped
      }
      Optional<Path> found = candidate(p.get().resolve(command), hasExtension, exts);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> path(Path workingDirectory, String s) {
    try {
      return Optional.of(workingDirectory.getFileSystem().getPath(s));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> candidate(Path p, boolean hasExtension, List<String> exts) {
    if (hasExtension && Files.isRegularFile(p)) {
      return Optional.of(p);
    }
    for (String ext : exts) {
      Path withExt = p.resolveSibling(p.getFileName() + ext.toLowerCase(Locale.ROOT));
      if (Files.isRegularFile(withExt)) {
        return Optional.of(withExt);
      }
    }
    return Optional.empty();
  }

  /**
   * The executable CreateProcess(AsUser)W starts for {@code command}: looked up on the PATH of
   * {@code env} (any case of the name; else {@code callerPath}) with its PATHEXT, relative names
   * against {@code workingDirectory}. Batch files are refused, judged on the name as Windows
   * normalises it ({@link #isBatch}) and on the file's real name.
   *
   * @throws SandboxException (exit 125) when it is not found or is a batch file
   */
  static String executable(
      String command, Map<String, String> env, String callerPath, Path workingDirectory) {
    String path = lookup(env, "PATH").orElse(callerPath);
    String pathext = lookup(env, "PATHEXT").orElse(DEFAULT_PATHEXT);
    if (isBatch(command)) {
      throw batchFile(command);
    }
    Path exe =
        resolve(command, workingDirectory, path, pathext)
            .orElseThrow(
                () ->
                    SandboxException.cannotSandbox(
                        "command '" + command + "' not found on PATH " + path));
    String real;
    try {
      real = exe.toRealPath().toString();
    } catch (IOException e) {
      real = exe.toString();
    }
    if (isBatch(exe.toString()) || isBatch(real)) {
      throw batchFile(exe.toString());
    }
    return exe.toAbsolutePath().normalize().toString();
  }

  /**
   * CreateProcessW hands a batch file to cmd.exe with the arguments quoted for CommandLineToArgvW,
   * which cmd does not understand (the BatBadBut class): refused, with the explicit form.
   */
  private static SandboxException batchFile(String exe) {
    return SandboxException.cannotSandbox(
        "'"
            + exe
            + "' is a batch file: run it explicitly as cmd.exe /d /c \""
            + exe
            + " ...\" (the launcher quotes for cmd.exe then)");
  }

  /**
   * Whether Windows would run {@code name} as a batch file: its file name, normalised as Windows
   * does ({@link #normalisedFileName}), ends with .bat or .cmd.
   */
  static boolean isBatch(String name) {
    String n = normalisedFileName(name);
    return n.endsWith(".bat") || n.endsWith(".cmd");
  }

  /**
   * The last component of {@code name} as Windows opens it, lower-cased: the {@code \\?\} and
   * {@code \\.\} prefixes dropped, a {@code ::$DATA} stream suffix (the file's own data) dropped,
   * any other stream name dropped too (so {@code x.bat:s} counts as a .bat), and trailing dots and
   * spaces stripped (Win32 path normalisation: {@code x.bat.} and {@code x.bat } open {@code
   * x.bat}). Case is folded: NTFS names are case-insensitive.
   */
  static String normalisedFileName(String name) {
    String s = name;
    if (s.startsWith("\\\\?\\") || s.startsWith("\\\\.\\") || s.startsWith("//?/")) {
      s = s.substring(4);
    }
    s = s.replace('/', '\\');
    // Trailing separators, dots and spaces of the whole name first (x.bat\ is not a file name).
    String last = s.substring(s.lastIndexOf('\\') + 1);
    if (last.length() >= 2 && last.charAt(1) == ':' && Character.isLetter(last.charAt(0))) {
      last = last.substring(2); // C:x.bat
    }
    int colon = last.indexOf(':');
    if (colon >= 0) {
      last = last.substring(0, colon); // x.bat::$DATA, x.bat:stream:$DATA
    }
    int end = last.length();
    while (end > 0 && (last.charAt(end - 1) == '.' || last.charAt(end - 1) == ' ')) {
      end--;
    }
    return last.substring(0, end).toLowerCase(Locale.ROOT);
  }

  /** {@code command} with its first word replaced by the resolved {@code exe}. */
  static List<String> withExecutable(String exe, List<String> command) {
    List<String> l = new ArrayList<>(command);
    l.set(0, exe);
    return l;
  }

  /**
   * Variables Windows programs cannot run without and that hold no secrets, taken from the caller
   * when the scrubbed environment lacks them: SystemRoot (Winsock and the C runtime fail without
   * it), ComSpec and PATHEXT (cmd and every PATH search), the profile directories (USERPROFILE,
   * APPDATA, LOCALAPPDATA: .NET, PowerShell, git and npm look there), the program directories, and
   * the processor facts.
   */
  static final List<String> ESSENTIALS =
      List.of(
          "SystemRoot",
          "windir",
          "SystemDrive",
          "ComSpec",
          "PATHEXT",
          "USERPROFILE",
          "APPDATA",
          "LOCALAPPDATA",
          "ProgramData",
          "ProgramFiles",
          "ProgramFiles(x86)",
          "ProgramW6432",
          "CommonProgramFiles",
          "CommonProgramFiles(x86)",
          "CommonProgramW6432",
          "NUMBER_OF_PROCESSORS",
          "PROCESSOR_ARCHITECTURE",
          "OS");

  /**
   * {@code env} plus what Windows needs of the caller's: every name in {@code passNames} the caller
   * has under any case (Windows' own {@code Path} is the same variable as the policy's {@code
   * PATH}; the caller's spelling is kept), then the {@link #ESSENTIALS}. Names are compared
   * case-insensitively, as Windows does; what {@code env} has always wins.
   */
  static Map<String, String> withEssentials(
      Map<String, String> env, Map<String, String> caller, List<String> passNames) {
    TreeMap<String, String> present = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    present.putAll(env);
    TreeMap<String, String> callerNames = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : caller.keySet()) {
      callerNames.putIfAbsent(name, name);
    }
    Map<String, String> out = new LinkedHashMap<>(env);
    List<String> wanted = new ArrayList<>(passNames);
    wanted.addAll(ESSENTIALS);
    for (String name : wanted) {
      String callerName = callerNames.get(name);
      if (!present.containsKey(name) && callerName != null) {
        out.put(callerName, caller.get(callerName));
        present.put(callerName, "");
      }
    }
    return out;
  }

  /** Sets {@code name} in {@code env}, replacing the variable under any other case of its name. */
  static void put(Map<String, String> env, String name, String value) {
    env.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    env.put(name, value);
  }

  /** The value of {@code name} in {@code env}, compared case-insensitively as Windows does. */
  static Optional<String> lookup(Map<String, String> env, String name) {
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return Optional.ofNullable(e.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * The order of names in an environment block: ordinal on the upper-cased UTF-16 units, as
   * Windows' CompareStringOrdinal(ignoreCase) and the JDK's own ProcessEnvironment compare them, so
   * {@code _} (0x5F) sorts after the letters (A-Z are 0x41-0x5A), unlike {@link
   * String#CASE_INSENSITIVE_ORDER}, which folds to lower case and puts {@code _} before them.
   */
  static final Comparator<String> ENVIRONMENT_ORDER =
      (a, b) -> {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
          char x = Character.toUpperCase(a.charAt(i));
          char y = Character.toUpperCase(b.charAt(i));
          if (x != y) {
            return x - y;
          }
        }
        return a.length() - b.length();
      };

  /**
   * The CREATE_UNICODE_ENVIRONMENT block: NAME=value strings sorted by {@link #ENVIRONMENT_ORDER},
   * each NUL-terminated, then a final NUL.
   *
   * @throws IllegalArgumentException for a malformed name, or two names that differ only in case
   *     (Windows would keep one of them, unpredictably)
   */
  static char[] environmentBlock(Map<String, String> env) {
    TreeMap<String, String> sorted = new TreeMap<>(ENVIRONMENT_ORDER);
    for (Map.Entry<String, String> e : env.entrySet()) {
      String k = e.getKey();
      if (k.isEmpty() || k.indexOf('=') > 0 || k.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("invalid environment variable name '" + k + "'");
      }
      if (e.getValue().indexOf('\0') >= 0) {
        throw new IllegalArgumentException("environment variable '" + k + "' contains a NUL");
      }
      if (sorted.containsKey(k)) {
        throw new IllegalArgumentException(
            "environment variables '"
                + sorted.ceilingKey(k)
                + "' and '"
                + k
                + "' differ only in case: Windows treats them as one; set only one");
      }
      sorted.put(k, e.getValue());
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      sb.append(e.getKey()).append('=').append(e.getValue()).append('\0');
    }
    if (sorted.isEmpty()) {
      sb.append('\0');
    }
    sb.append('\0');
    return sb.toString().toCharArray();
  }
}
