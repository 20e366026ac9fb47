package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.PeakMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The launcher's usage report of one run: a file the JVM creates (mode 0600, in its own temporary
 * directory, outside every sandbox's view) and names in the plan (record T_USAGE); the launcher's
 * supervisor opens it before any namespace exists and, once every process of the run has been
 * waited for, writes {@code maxrss_kib=N} (getrusage RUSAGE_CHILDREN: the largest single process)
 * and, when the run had a memory cgroup, {@code cgroup_memory.peak=N} (v2) or {@code
 * cgroup_memory.max_usage_in_bytes=N} (v1): the whole tree.
 */
final class UsageReport {
  static final PeakMemory NONE_YET = PeakMemory.notMeasured("the command is still running");

  private UsageReport() {}

  static Path create() {
    try {
      return Files.createTempFile(
          "sandbox4j-usage-",
          ".txt",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot create the run's usage report: " + e, e);
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover empty file in the JVM's temporary directory; nothing to undo
    }
  }

  /** Parses what the launcher wrote; a cgroup figure wins (it counts the whole tree). */
  static PeakMemory read(Path file) {
    Map<String, Long> values = new HashMap<>();
    try {
      if (Files.size(file) > 4096) {
        return PeakMemory.notMeasured("the usage report is too long");
      }
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(eq + 1).matches("[0-9]{1,19}")) {
          values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return PeakMemory.notMeasured(e.getMessage());
    } finally {
      delete(file);
    }
    for (String key : new String[] {"cgroup_memory.peak", "cgroup_memory.max_usage_in_bytes"}) {
      Long v = values.get(key);
      if (v != null) {
        return new PeakMemory(
            OptionalLong.of(v),
            "the run's memory cgroup (" + key.substring("cgroup_".length()) + ", whole tree)");
      }
    }
    Long kib = values.get("maxrss_kib");
    if (kib != null && kib <= Long.MAX_VALUE / 1024) {
      return new PeakMemory(
          OptionalLong.of(kib * 1024),
          "getrusage maxrss of the launcher's waited-for descendants (the largest single process,"
              + " not the sum; no memory cgroup for this run)");
    }
    return PeakMemory.notMeasured("the launcher wrote no usage (it did not end normally)");
  }
}
