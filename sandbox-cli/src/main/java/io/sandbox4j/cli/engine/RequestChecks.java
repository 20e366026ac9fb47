package io.sandbox4j.cli.engine;

import io.sandbox4j.launcher.linux.UnixSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The engine-side checks before a request is served (docs/engine-protocol.md, "Failure semantics");
 * each failure is a reason for FALLBACK, so the in-JVM path handles the request.
 */
final class RequestChecks {
  /**
   * What the run path still reads from the engine's own environment rather than the request's
   * (core, the launchers and the backends through System.getenv; docs/engine.md): a request whose
   * values differ is handed back to the in-JVM path.
   */
  static final List<String> COMPARED =
      List.of(
          "HOME",
          "USER",
          "XDG_RUNTIME_DIR",
          "XDG_CACHE_HOME",
          "XDG_CONFIG_HOME",
          "TMPDIR",
          "SSH_AUTH_SOCK",
          "PATH",
          "GIT_CONFIG_GLOBAL",
          "GIT_CONFIG_SYSTEM");

  private final Supplier<Map<String, String>> engineEnvironment;
  private final List<Path> installation;
  private final Map<Path, Object> fingerprint;

  /**
   * @param engineEnvironment the engine's own environment
   * @param installation the files whose change means the engine is stale (the script, the class
   *     path)
   */
  RequestChecks(Map<String, String> engineEnvironment, List<Path> installation) {
    this(constant(Map.copyOf(engineEnvironment)), installation);
  }

  /**
   * For an engine inside a test JVM, whose "own" environment is the one each test gives the in-JVM
   * path (a test's CliContext), asked per request.
   */
  RequestChecks(Supplier<Map<String, String>> engineEnvironment, List<Path> installation) {
    this.engineEnvironment = engineEnvironment;
    this.installation = List.copyOf(installation);
    this.fingerprint = fingerprint(this.installation);
  }

  private static Supplier<Map<String, String>> constant(Map<String, String> environment) {
    return () -> environment;
  }

  /**
   * Why the peer of {@code socket} may not use the engine (no_new_privs, another user namespace, or
   * it cannot be identified), or null. The reason goes to the peer: it names no pid (a global pid
   * helps a sandboxed command aim a pid-reuse attack); the engine logs the pid with it. What /proc
   * says about the peer's pid counts only while the process that connected is still there (its
   * pidfd): a sandboxed command could otherwise connect from a child that exits and have its pid
   * reused by a process without no_new_privs (an engine thread it makes the engine start, for one)
   * by the time the check runs.
   */
  static String peerRefusal(UnixSocket socket, long pid) {
    try (UnixSocket.PeerProcess process = socket.peerProcess()) {
      String refusal = peerRefusal(pid);
      if (refusal == null && !process.alive()) {
        return "the client ended before it could be checked";
      }
      return refusal;
    } catch (IOException | RuntimeException e) {
      return "the client cannot be identified (" + e.getClass().getSimpleName() + ")";
    }
  }

  /**
   * Why the process with this pid may not use the engine (no_new_privs, another user namespace), or
   * null.
   */
  private static String peerRefusal(long pid) {
    try {
      String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
      for (String line : status.split("\n")) {
        if (line.startsWith("NoNewPrivs:") && !line.substring(11).strip().equals("0")) {
          return "the client runs with no_new_privs, as sandboxed commands do";
        }
      }
      Path ns = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "user"));
      Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
      if (!ns.equals(own)) {
        return "the client is in another user namespace";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "the client cannot be inspected (" + e.getClass().getSimpleName() + ")";
    }
  }

  /**
   * Why a run for the client {@code pid} would not be contained as in-JVM, or null: the run's
   * cgroups (memory, pids) are made beneath the engine's own, so a client in other cgroups (a
   * session with its own memory or process limit) would have its command moved out from under them.
   */
  static String cgroupRefusal(long pid) {
    try {
      String client = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
      if (!client.equals(Files.readString(Path.of("/proc/self/cgroup")))) {
        return "the client's cgroups differ from the engine's (its run's cgroups would leave"
            + " them)";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "the client's cgroups cannot be read (" + e.getClass().getSimpleName() + ")";
    }
  }

  /** Why the request must take the in-JVM path, or null when the engine can serve it. */
  String refusal(int version, byte[] cwd, List<byte[]> args, List<byte[]> env) {
    if (version != Frames.VERSION) {
      return "protocol version " + version + " (the engine speaks " + Frames.VERSION + ")";
    }
    Decoded d;
    try {
      d = decode(cwd, args, env);
    } catch (CharacterCodingException e) {
      return "an argument, variable or the directory is not UTF-8";
    }
    if (d.args().isEmpty() || !d.args().get(0).equals("run")) {
      return "the engine serves `run` only";
    }
    for (String a : d.args()) {
      if (a.indexOf('\uFFFD') >= 0) {
        return "an argument holds U+FFFD (the in-JVM path refuses it with its message)";
      }
    }
    if (!d.cwd().isAbsolute()) {
      return "the working directory is not absolute";
    }
    Map<String, String> own = engineEnvironment.get();
    for (String name : COMPARED) {
      if (!Objects.equals(own.get(name), d.environment().get(name))) {
        return "$" + name + " differs from the engine's";
      }
    }
    if (!fingerprint(installation).equals(fingerprint)) {
      return "the installation changed since the engine started";
    }
    return null;
  }

  /** Whether the installation changed since the engine started. */
  boolean installationChanged() {
    return !fingerprint(installation).equals(fingerprint);
  }

  /** The request's values, decoded strictly as UTF-8. */
  record Decoded(Path cwd, List<String> args, Map<String, String> environment) {}

  static Decoded decode(byte[] cwd, List<byte[]> args, List<byte[]> env)
      throws CharacterCodingException {
    List<String> a = new ArrayList<>();
    for (byte[] b : args) {
      a.add(utf8(b));
    }
    Map<String, String> e = new LinkedHashMap<>();
    for (byte[] b : env) {
      String entry = utf8(b);
      int eq = entry.indexOf('=', 1);
      if (eq > 0) {
        e.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return new Decoded(Path.of(utf8(cwd)), List.copyOf(a), e);
  }

  private static String utf8(byte[] b) throws CharacterCodingException {
    if (b.length > 0 && indexOfNul(b) >= 0) {
      throw new CharacterCodingException();
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(b))
        .toString();
  }

  private static int indexOfNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** What a file's fingerprint holds: compared as values, never formatted (it runs per request). */
  private record Stamp(long size, FileTime modified, Object fileKey) {}

  /** Size, modification time and file key of each file (a directory: of each of its entries). */
  private static Map<Path, Object> fingerprint(List<Path> files) {
    Map<Path, Object> f = new TreeMap<>();
    for (Path p : files) {
      add(f, p);
      if (Files.isDirectory(p)) {
        try (var entries = Files.list(p)) {
          entries.forEach(e -> add(f, e));
        } catch (IOException e) {
          f.put(p, "unlistable");
        }
      }
    }
    return f;
  }

  private static void add(Map<Path, Object> f, Path p) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      f.put(p, new Stamp(a.size(), a.lastModifiedTime(), a.fileKey()));
    } catch (IOException e) {
      f.put(p, "missing");
    }
  }
}
