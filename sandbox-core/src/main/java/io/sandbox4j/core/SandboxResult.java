package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apiguardian.api.API;

/**
 * How a sandboxed command ended.
 *
 * @param exitCode the command's own code, 128+N when it died of signal N, 124 when the timeout
 *     killed it
 * @param timedOut whether the wall-clock timeout killed it
 * @param elapsed wall-clock time from start to end
 * @param stdout standard output when it was collected ({@link Sandbox#run}), else empty
 * @param stderr standard error when it was collected, else empty
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SandboxResult(
    int exitCode, boolean timedOut, Duration elapsed, byte[] stdout, byte[] stderr) {

  /** The exit code for a run killed by its timeout, as timeout(1) uses. */
  public static final int EXIT_TIMEOUT = 124;

  public SandboxResult {
    stdout = stdout.clone();
    stderr = stderr.clone();
  }

  @Override
  public byte[] stdout() {
    return stdout.clone();
  }

  @Override
  public byte[] stderr() {
    return stderr.clone();
  }

  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }
}
