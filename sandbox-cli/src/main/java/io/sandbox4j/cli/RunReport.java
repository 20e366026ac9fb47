package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.PeakMemory;
import io.sandbox4j.core.Denial;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.proxy.NetworkEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON report of one run ({@code run --report FILE}), described by the JSON Schema
 * docs/schema/run-report-v1.json. Version 1: {@code version}, {@code command}, {@code policy}
 * (workspace, network mode with its allow and deny entries, writable roots, timeout), {@code
 * backends} (as asked), {@code launcher}, {@code isolators}, {@code started}, {@code
 * durationMillis}, {@code exitCode}, {@code signal}, {@code timedOut}, {@code peakMemory}, {@code
 * denials}, {@code notices}, {@code network} (one object per destination tried). New keys may be
 * added within a version; a reader ignores keys it does not know.
 */
final class RunReport {
  static final int VERSION = 1;

  private RunReport() {}

  static Map<String, Object> of(
      SandboxPolicy policy,
      List<String> backends,
      List<String> command,
      Instant started,
      SandboxResult result) {
    Map<String, Object> network = new LinkedHashMap<>();
    network.put("mode", policy.network().mode().name().toLowerCase(Locale.ROOT));
    network.put("allow", policy.network().rules());
    network.put("deny", policy.network().deny());
    network.put("publish", policy.network().publish());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("workspace", policy.filesystem().workspace().toString());
    p.put(
        "writableRoots",
        policy.filesystem().allWritableRoots().stream().map(Path::toString).toList());
    p.put("network", network);
    p.put("timeoutMillis", policy.resources().timeout().map(Duration::toMillis).orElse(null));
    Map<String, Object> memory = new LinkedHashMap<>();
    PeakMemory peak = result.peakMemory();
    memory.put("bytes", peak.bytes().isPresent() ? peak.bytes().getAsLong() : null);
    memory.put("source", peak.source());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("version", VERSION);
    r.put("command", command);
    r.put("policy", p);
    r.put("backends", backends.isEmpty() ? List.of("automatic") : backends);
    r.put("launcher", result.launcher());
    r.put("isolators", result.isolators());
    r.put("started", started.toString());
    r.put("durationMillis", result.elapsed().toMillis());
    r.put("exitCode", result.exitCode());
    r.put("signal", result.signal().isPresent() ? result.signal().getAsInt() : null);
    r.put("timedOut", result.timedOut());
    r.put("peakMemory", memory);
    r.put("denials", result.denials().stream().map(RunReport::denial).toList());
    r.put("notices", result.notices());
    r.put("network", result.networkEvents().stream().map(RunReport::event).toList());
    return r;
  }

  private static Map<String, Object> denial(Denial d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("access", d.access());
    m.put("target", d.target());
    m.put("source", d.source().name().toLowerCase(Locale.ROOT));
    m.put("reason", d.reason());
    m.put("remedy", d.remedy().orElse(null));
    return m;
  }

  private static Map<String, Object> event(NetworkEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("protocol", e.protocol());
    m.put("host", e.host());
    m.put("port", e.port());
    m.put("address", e.address().orElse(null));
    m.put("outcome", e.outcome().name().toLowerCase(Locale.ROOT));
    m.put("rule", e.rule().orElse(null));
    m.put("reason", e.reason());
    m.put("bytesToDestination", e.bytesToDestination());
    m.put("bytesFromDestination", e.bytesFromDestination());
    m.put("start", e.start().toString());
    m.put("end", e.end().toString());
    return m;
  }

  /**
   * Where a report goes, fixed before the command runs: the directory's real path then, and the
   * file's name. The command may write where the report goes (the workspace): what it plants there
   * (a link as the file, a link in place of the directory) must not send the report elsewhere.
   *
   * @param directory the real path of the file's directory before the run; null when it did not
   *     exist then
   */
  record Target(Path file, Path directory) {
    static Target before(Path file) {
      Path absolute = file.toAbsolutePath().normalize();
      Path directory;
      try {
        directory = absolute.getParent().toRealPath();
      } catch (IOException e) {
        directory = null;
      }
      return new Target(absolute, directory);
    }
  }

  /**
   * Writes the report; a failure is a warning on {@code err}, not the run's exit code (the command
   * has run and its code is what the caller asked for).
   */
  static void write(
      Target target,
      SandboxPolicy policy,
      List<String> backends,
      List<String> command,
      Instant started,
      SandboxResult result,
      PrintWriter err) {
    String json;
    try {
      json =
          JsonMapper.builder()
              .build()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(of(policy, backends, command, started, result));
    } catch (RuntimeException e) {
      err.println("sandbox: cannot write the run report " + target.file() + ": " + e.getMessage());
      err.flush();
      return;
    }
    writeSafely(target, json + "\n", err);
  }

  /**
   * Writes a new file in the directory resolved before the run and renames it over the name: a link
   * (or a FIFO) planted as the file is replaced, never followed; a directory that now leads
   * elsewhere is refused.
   */
  static void writeSafely(Target target, String text, PrintWriter err) {
    Path tmp = null;
    try {
      if (target.directory() == null) {
        throw new IOException("its directory did not exist before the run");
      }
      Path now = target.file().getParent().toRealPath();
      if (!now.equals(target.directory())) {
        throw new IOException(
            "its directory now leads to "
                + now
                + ", not "
                + target.directory()
                + " as before the run (a link made during the run); not written");
      }
      tmp = Files.createTempFile(target.directory(), ".sandbox-report-", ".tmp");
      Files.writeString(tmp, text);
      Files.move(
          tmp,
          target.directory().resolve(target.file().getFileName()),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException | RuntimeException e) {
      err.println("sandbox: cannot write the run report " + target.file() + ": " + e.getMessage());
      err.flush();
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // left behind next to the report
        }
      }
    }
  }
}
