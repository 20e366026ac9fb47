package io.sandbox4j.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.ProcessPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one {@code run_command} call turned into a command and a policy no wider than
 * the session's. A value of the wrong type is a protocol error ({@link McpError}, invalid params);
 * a value that would widen the policy is a {@link Widening}, which the server returns as a refused
 * result naming what was asked.
 */
final class CallArguments {
  static final Set<String> NAMES =
      Set.of(
          "command",
          "shell",
          "cwd",
          "stdin",
          "timeout_seconds",
          "env",
          "writable_paths",
          "network",
          "network_allow");

  /**
   * A call that is not run: it asks for more than the session policy allows ({@code widens}), or
   * for a narrowing the sandbox cannot enforce.
   */
  static final class Widening extends Exception {
    private static final long serialVersionUID = 1L;

    final boolean widens;

    Widening(String message) {
      this(message, true);
    }

    Widening(String message, boolean widens) {
      super(message);
      this.widens = widens;
    }
  }

  final List<String> command;
  final String stdin;
  final SandboxPolicy policy;

  private CallArguments(List<String> command, String stdin, SandboxPolicy policy) {
    this.command = command;
    this.stdin = stdin;
    this.policy = policy;
  }

  static CallArguments parse(Map<String, Object> args, SandboxPolicy session) throws Widening {
    Map<String, Object> a = args == null ? Map.of() : args;
    for (String k : a.keySet()) {
      if (!NAMES.contains(k)) {
        throw invalid("unknown argument '" + k + "'; run_command takes " + NAMES);
      }
    }
    List<String> command = command(a);
    String stdin = string(a, "stdin").orElse(null);
    Path workspace = session.filesystem().workspace();
    SandboxPolicy.Builder b = session.toBuilder();
    Optional<String> cwd = string(a, "cwd");
    if (cwd.isPresent()) {
      Path dir = path(workspace, "cwd", cwd.get());
      Path real = real(dir);
      if (!dir.startsWith(workspace) || !real.startsWith(real(workspace))) {
        throw new Widening(
            "cwd "
                + dir
                + (real.equals(dir) ? "" : " (that is " + real + ")")
                + " is outside the workspace "
                + workspace);
      }
      b.workingDirectory(real);
    }
    Optional<Double> timeout = number(a, "timeout_seconds");
    if (timeout.isPresent()) {
      if (!(timeout.get() > 0) || timeout.get() > 1e9) {
        throw invalid("timeout_seconds must be a positive number of seconds, got " + timeout.get());
      }
      Duration t = Duration.ofMillis(Math.max(1, Math.round(timeout.get() * 1000)));
      Optional<Duration> limit = session.resources().timeout();
      if (limit.isPresent() && t.compareTo(limit.get()) > 0) {
        throw new Widening(
            "timeout_seconds "
                + timeout.get()
                + " is longer than the session's timeout of "
                + seconds(limit.get())
                + " s");
      }
      b.resources(session.resources().withTimeout(t));
    }
    ProcessPolicy process = session.process();
    for (Map.Entry<String, String> e : env(a).entrySet()) {
      if (!process.envPass().contains(e.getKey()) || process.envSet().containsKey(e.getKey())) {
        throw new Widening(
            "env "
                + e.getKey()
                + " is not a variable the session policy passes (it passes "
                + process.envPass()
                + "; add --env "
                + e.getKey()
                + " to the server's flags to allow it)");
      }
      b.setEnv(e.getKey(), e.getValue());
    }
    SandboxPolicy narrowed = b.build();
    narrowed = writable(a, narrowed);
    narrowed = network(a, narrowed);
    return new CallArguments(command, stdin, narrowed);
  }

  private static SandboxPolicy writable(Map<String, Object> a, SandboxPolicy p) throws Widening {
    if (!a.containsKey("writable_paths")) {
      return p;
    }
    FilesystemPolicy fs = p.filesystem();
    Path workspace = fs.workspace();
    List<Path> roots = fs.allWritableRoots();
    List<Path> given = new ArrayList<>();
    for (String s : strings(a, "writable_paths")) {
      Path path = path(workspace, "writable_paths", s);
      // Links are followed as the backends will follow them: a link inside a root that leads out
      // of every root would make its target writable.
      Path real = real(path);
      if (roots.stream().noneMatch(path::startsWith)
          || roots.stream().noneMatch(r -> real.startsWith(real(r)))) {
        throw new Widening(
            "writable_paths entry "
                + path
                + (real.equals(path) ? "" : " (that is " + real + ")")
                + " is not inside a writable root of the session ("
                + roots
                + ")");
      }
      given.add(path.equals(workspace) ? path : real);
    }
    if (!given.contains(workspace)) {
      // The policy model keeps the workspace writable, and a write deny-list entry equal to a
      // writable root is not enforced by every backend: refused rather than silently writable.
      throw new Widening(
          "writable_paths "
              + given
              + " leaves out the workspace "
              + workspace
              + ": a run with a read-only workspace is not supported; list the workspace (and"
              + " the other writable roots to keep)",
          false);
    }
    List<Path> extra = given.stream().filter(g -> !g.equals(workspace)).distinct().toList();
    List<Path> deny = fs.writeDeny();
    // The canonical constructors, so that nothing else of the session (private homes, read grants,
    // an ephemeral workspace) is dropped on the way.
    FilesystemPolicy narrowed =
        new FilesystemPolicy(
            workspace,
            extra,
            fs.readAllow(),
            fs.readDeny(),
            deny,
            fs.protectedNames(),
            fs.privateTmp(),
            fs.systemWriteOptIns(),
            fs.privateHomes(),
            fs.readGrants());
    // a layered cache stays layered while it stays a writable root
    return new SandboxPolicy(
        narrowed,
        p.network(),
        p.process(),
        p.resources(),
        p.ephemeral(),
        p.cacheLayers().stream().filter(c -> extra.contains(c.cache())).toList());
  }

  private static SandboxPolicy network(Map<String, Object> a, SandboxPolicy p) throws Widening {
    Optional<String> mode = string(a, "network");
    boolean hasAllow = a.containsKey("network_allow");
    if (mode.isEmpty() && !hasAllow) {
      return p;
    }
    NetworkPolicy session = p.network();
    NetworkPolicy wanted;
    if (hasAllow) {
      if (mode.isPresent() && !mode.get().equals("allow")) {
        throw invalid(
            "network_allow goes with network \"allow\" (or no network), not " + mode.get());
      }
      List<String> entries = strings(a, "network_allow");
      if (entries.isEmpty()) {
        throw invalid("network_allow needs at least one entry; use network \"none\" for none");
      }
      if (session.mode() == NetworkMode.NONE) {
        throw new Widening(
            "network_allow " + entries + " asks for network; the session allows none");
      }
      if (session.mode() == NetworkMode.ALLOW) {
        for (String e : entries) {
          if (!session.rules().contains(e)) {
            throw new Widening(
                "network_allow entry "
                    + e
                    + " is not on the session's allow-list "
                    + session.rules()
                    + " (an entry must be one of them as written)");
          }
        }
      }
      try {
        wanted = NetworkPolicy.allowRules(entries, session.deny());
      } catch (SandboxException e) {
        throw invalid("network_allow: " + e.getMessage());
      }
    } else {
      switch (mode.get()) {
        case "none" -> wanted = NetworkPolicy.NONE;
        case "all" -> {
          if (session.mode() != NetworkMode.ALL) {
            throw new Widening(
                "network \"all\" asks for unrestricted network; the session allows "
                    + describe(session));
          }
          wanted = NetworkPolicy.ALL;
        }
        case "allow" -> throw invalid("network \"allow\" needs network_allow entries");
        default ->
            throw invalid(
                "network must be \"none\", \"allow\" or \"all\", got \"" + mode.get() + "\"");
      }
    }
    return new SandboxPolicy(
        p.filesystem(), wanted, p.process(), p.resources(), p.ephemeral(), p.cacheLayers());
  }

  static String describe(NetworkPolicy n) {
    return switch (n.mode()) {
      case NONE -> "no network";
      case ALL -> "all network";
      case ALLOW ->
          "only the allow-list "
              + n.rules()
              + (n.deny().isEmpty() ? "" : " (deny-list " + n.deny() + ")");
    };
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0
        ? Long.toString(d.toSeconds())
        : Double.toString(d.toMillis() / 1000.0);
  }

  private static List<String> command(Map<String, Object> a) {
    boolean argv = a.containsKey("command");
    boolean shell = a.containsKey("shell");
    if (argv == shell) {
      throw invalid(
          "give either command (an argv array of strings) or shell (a string run by /bin/sh -c),"
              + " exactly one");
    }
    if (shell) {
      String s = string(a, "shell").orElseThrow();
      if (s.isBlank()) {
        throw invalid("shell is empty");
      }
      if (s.indexOf('\0') >= 0) {
        throw invalid("shell holds a NUL character, which no program argument can carry");
      }
      return List.of("/bin/sh", "-c", s);
    }
    List<String> c = strings(a, "command");
    if (c.stream().anyMatch(x -> x.indexOf('\0') >= 0)) {
      throw invalid("command holds a NUL character, which no program argument can carry");
    }
    if (c.isEmpty() || c.get(0).isEmpty()) {
      throw invalid("command needs at least the program name");
    }
    return c;
  }

  /**
   * {@code p} with its links resolved: the real path of its longest existing ancestor followed by
   * the rest of it ({@code p} itself when nothing of it can be resolved).
   */
  static Path real(Path p) {
    Path existing = p;
    while (existing != null) {
      try {
        Path real = existing.toRealPath();
        return existing == p ? real : real.resolve(existing.relativize(p)).normalize();
      } catch (java.io.IOException | SecurityException e) {
        existing = existing.getParent();
      }
    }
    return p;
  }

  private static Path path(Path workspace, String what, String s) {
    if (s.indexOf('\0') >= 0) {
      throw invalid(what + " holds a NUL character");
    }
    try {
      return workspace.resolve(s).normalize();
    } catch (InvalidPathException e) {
      throw invalid(what + " " + s + " is not a path: " + e.getMessage());
    }
  }

  private static Optional<String> string(Map<String, Object> a, String name) {
    return typed(a, name, String.class, "a string");
  }

  private static Optional<Double> number(Map<String, Object> a, String name) {
    return typed(a, name, Number.class, "a number").map(Number::doubleValue);
  }

  private static <T> Optional<T> typed(
      Map<String, Object> a, String name, Class<T> type, String what) {
    Object v = a.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!type.isInstance(v)) {
      throw invalid(name + " must be " + what + ", got " + typeOf(v));
    }
    return Optional.of(type.cast(v));
  }

  private static List<String> strings(Map<String, Object> a, String name) {
    Object v = a.get(name);
    if (!(v instanceof List<?> list)) {
      throw invalid(name + " must be an array of strings, got " + typeOf(v));
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw invalid(name + " must be an array of strings, it holds " + typeOf(o));
      }
      out.add(s);
    }
    return out;
  }

  private static Map<String, String> env(Map<String, Object> a) {
    Object v = a.get("env");
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw invalid("env must be an object of string values, got " + typeOf(v));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw invalid("env " + e.getKey() + " must be a string, got " + typeOf(e.getValue()));
      }
      if (s.indexOf('\0') >= 0 || String.valueOf(e.getKey()).indexOf('\0') >= 0) {
        throw invalid("env " + e.getKey() + " holds a NUL character, which no variable can carry");
      }
      out.put(String.valueOf(e.getKey()), s);
    }
    return out;
  }

  private static String typeOf(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof List) {
      return "an array";
    }
    return v instanceof Map ? "an object" : v.getClass().getSimpleName();
  }

  static McpError invalid(String message) {
    return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
  }
}
