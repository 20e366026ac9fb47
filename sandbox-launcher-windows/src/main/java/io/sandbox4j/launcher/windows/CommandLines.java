package io.sandbox4j.launcher.windows;

import io.sandbox4j.api.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pure helpers for CreateProcessW arguments: the executable (PATH lookup), quoting, the environment
 * block.
 */
final class CommandLines {
  private CommandLines() {}

  /**
   * Joins arguments the way CommandLineToArgvW and the MSVC runtime split them: quotes around
   * arguments with spaces, tabs or quotes; backslashes doubled only before a quote.
   */
  static String join(List<String> args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      if (a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argument contains a NUL character: " + a);
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      if (!a.isEmpty() && a.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"')) {
        sb.append(a);
        continue;
      }
      sb.append('"');
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
      sb.append("\\".repeat(backslashes * 2)).append('"');
    }
    return sb.toString();
  }

  /**
   * The executable for {@code command}: itself if it contains a path separator, else the first
   * match on {@code path} trying each of {@code pathext} when it has no extension.
   */
  static Optional<Path> resolve(String command, String path, String pathext) {
    if (command.contains("\\") || command.contains("/")) {
      Path p = Path.of(command);
      return Files.isRegularFile(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
    }
    String[] exts = command.contains(".") ? new String[] {""} : (";" + pathext).split(";", -1);
    for (String dir : path == null ? new String[0] : path.split(";")) {
      if (dir.isBlank()) {
        continue;
      }
      for (String ext : exts) {
        Path p = Path.of(dir, command + ext.toLowerCase(Locale.ROOT));
        if (Files.isRegularFile(p)) {
          return Optional.of(p.toAbsolutePath());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The executable CreateProcess(AsUser)W starts for {@code command}: looked up on the PATH of
   * {@code env} (else of {@code callerPath}) with its PATHEXT. Batch files are refused.
   *
   * @throws SandboxException (exit 125) when it is not found or is a batch file
   */
  static String executable(String command, Map<String, String> env, String callerPath) {
    String path = env.getOrDefault("PATH", env.getOrDefault("Path", callerPath));
    String pathext = env.getOrDefault("PATHEXT", ".COM;.EXE;.BAT;.CMD");
    String exe =
        resolve(command, path, pathext)
            .map(Path::toString)
            .orElseThrow(
                () ->
                    SandboxException.cannotSandbox(
                        "command '" + command + "' not found on PATH " + path));
    String lower = exe.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".bat") || lower.endsWith(".cmd")) {
      // CreateProcessW cannot start a batch file itself, and cmd.exe's quoting rules differ from
      // CommandLineToArgvW's: refuse rather than guess how the arguments would be split.
      throw SandboxException.cannotSandbox(
          "'" + exe + "' is a batch file: run it explicitly as cmd.exe /d /c " + exe + " ...");
    }
    return exe;
  }

  /** {@code command} with its first word replaced by the resolved {@code exe}. */
  static List<String> withExecutable(String exe, List<String> command) {
    List<String> l = new ArrayList<>(command);
    l.set(0, exe);
    return l;
  }

  /**
   * Variables Windows programs cannot run without (Winsock and the C runtime need SystemRoot; cmd
   * needs ComSpec and PATHEXT) and that hold no secrets: taken from the caller when the scrubbed
   * environment lacks them.
   */
  static final List<String> ESSENTIALS =
      List.of(
          "SystemRoot",
          "windir",
          "SystemDrive",
          "ComSpec",
          "PATHEXT",
          "NUMBER_OF_PROCESSORS",
          "PROCESSOR_ARCHITECTURE",
          "OS");

  /** {@code env} plus the {@link #ESSENTIALS} it lacks (names compared case-insensitively). */
  static Map<String, String> withEssentials(Map<String, String> env, Map<String, String> caller) {
    TreeMap<String, String> present = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    present.putAll(env);
    TreeMap<String, String> from = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    from.putAll(caller);
    Map<String, String> out = new java.util.LinkedHashMap<>(env);
    for (String name : ESSENTIALS) {
      if (!present.containsKey(name) && from.containsKey(name)) {
        out.put(name, from.get(name));
      }
    }
    return out;
  }

  /**
   * The CREATE_UNICODE_ENVIRONMENT block: NAME=value strings sorted case-insensitively (as Windows
   * expects), each NUL-terminated, then a final NUL.
   */
  static char[] environmentBlock(Map<String, String> env) {
    TreeMap<String, String> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    sorted.putAll(env);
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().indexOf('=') > 0 || e.getKey().indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "invalid environment variable name '" + e.getKey() + "'");
      }
      sb.append(e.getKey()).append('=').append(e.getValue()).append('\0');
    }
    if (sorted.isEmpty()) {
      sb.append('\0');
    }
    sb.append('\0');
    return sb.toString().toCharArray();
  }
}
