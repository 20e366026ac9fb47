package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * How much the command may consume. An empty value means no limit of that kind.
 *
 * @param memoryBytes address space / memory limit in bytes
 * @param cpuTime CPU time limit (whole seconds are enforced; sub-second values round up)
 * @param timeout wall-clock timeout; on expiry the whole process tree is killed
 * @param maxProcesses processes the sandbox may have at once
 * @param maxFileSizeBytes largest file the sandbox may write
 * @param maxOpenFiles open file descriptors per process
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ResourceLimits(
    OptionalLong memoryBytes,
    Optional<Duration> cpuTime,
    Optional<Duration> timeout,
    OptionalInt maxProcesses,
    OptionalLong maxFileSizeBytes,
    OptionalInt maxOpenFiles) {

  public static final ResourceLimits NONE =
      new ResourceLimits(
          OptionalLong.empty(),
          Optional.empty(),
          Optional.empty(),
          OptionalInt.empty(),
          OptionalLong.empty(),
          OptionalInt.empty());

  public ResourceLimits {
    positive("memory", memoryBytes);
    positive("max-file-size", maxFileSizeBytes);
    positive("cpu-time", cpuTime);
    positive("timeout", timeout);
    if (maxProcesses.isPresent() && maxProcesses.getAsInt() < 1) {
      throw SandboxException.invalid(
          "max-procs must be at least 1, got " + maxProcesses.getAsInt());
    }
    if (maxOpenFiles.isPresent() && maxOpenFiles.getAsInt() < 3) {
      throw SandboxException.invalid(
          "max-open-files must be at least 3 (stdin, stdout, stderr), got "
              + maxOpenFiles.getAsInt());
    }
  }

  private static void positive(String what, OptionalLong v) {
    if (v.isPresent() && v.getAsLong() <= 0) {
      throw SandboxException.invalid(what + " must be positive, got " + v.getAsLong());
    }
  }

  private static void positive(String what, Optional<Duration> v) {
    if (v.isPresent() && (v.get().isNegative() || v.get().isZero())) {
      throw SandboxException.invalid(what + " must be positive, got " + v.get());
    }
  }

  public ResourceLimits withMemoryBytes(long bytes) {
    return new ResourceLimits(
        OptionalLong.of(bytes), cpuTime, timeout, maxProcesses, maxFileSizeBytes, maxOpenFiles);
  }

  public ResourceLimits withCpuTime(Duration d) {
    return new ResourceLimits(
        memoryBytes, Optional.of(d), timeout, maxProcesses, maxFileSizeBytes, maxOpenFiles);
  }

  public ResourceLimits withTimeout(Duration d) {
    return new ResourceLimits(
        memoryBytes, cpuTime, Optional.of(d), maxProcesses, maxFileSizeBytes, maxOpenFiles);
  }

  public ResourceLimits withMaxProcesses(int n) {
    return new ResourceLimits(
        memoryBytes, cpuTime, timeout, OptionalInt.of(n), maxFileSizeBytes, maxOpenFiles);
  }

  public ResourceLimits withMaxFileSizeBytes(long bytes) {
    return new ResourceLimits(
        memoryBytes, cpuTime, timeout, maxProcesses, OptionalLong.of(bytes), maxOpenFiles);
  }

  public ResourceLimits withMaxOpenFiles(int n) {
    return new ResourceLimits(
        memoryBytes, cpuTime, timeout, maxProcesses, maxFileSizeBytes, OptionalInt.of(n));
  }
}
