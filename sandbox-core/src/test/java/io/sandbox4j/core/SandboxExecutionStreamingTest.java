package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.SandboxPolicy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Sandbox#start(SandboxRequest, OutputListener)}: output arrives while the command runs, the
 * completion future carries the result with its inferred denials. The test backend confines
 * nothing: the command itself prints the refusal a confined one would get.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "uses sh")
class SandboxExecutionStreamingTest {
  @TempDir Path workspace;

  private final Sandbox sandbox =
      Sandbox.create(List.of(new FakeBackendProvider(FakeBackend.claimingEverything("all"))));

  /** Collects both streams; counts down when standard output holds {@code first}. */
  private static final class Collector implements OutputListener {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CountDownLatch first = new CountDownLatch(1);

    @Override
    public synchronized void stdout(byte[] chunk) {
      out.writeBytes(chunk);
      if (out.toString(StandardCharsets.UTF_8).contains("first")) {
        first.countDown();
      }
    }

    @Override
    public synchronized void stderr(byte[] chunk) {
      err.writeBytes(chunk);
    }
  }

  @Test
  void outputArrivesWhileTheCommandRunsAndTheFutureCompletesWithTheResult() throws Exception {
    Path go = workspace.resolve("go");
    String script =
        "echo first; while [ ! -e go ]; do sleep 0.05; done; echo second;"
            + " echo 'sh: 1: cannot create /etc/motd: Read-only file system' >&2; exit 3";
    Collector c = new Collector();
    SandboxRequest request =
        SandboxRequest.of(SandboxPolicy.defaults(workspace), List.of("sh", "-c", script));
    try (SandboxExecution run = sandbox.start(request, c)) {
      run.stdin().close();
      // "first" is delivered before the command can end: it waits for the file created here
      assertThat(c.first.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(run.isAlive()).isTrue();
      assertThat(run.completion()).isNotDone();
      Files.createFile(go);
      SandboxResult r = run.completion().get(20, TimeUnit.SECONDS);
      assertThat(r.exitCode()).isEqualTo(3);
      assertThat(c.out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nsecond\n");
      assertThat(c.err.toString(StandardCharsets.UTF_8))
          .isEqualTo("sh: 1: cannot create /etc/motd: Read-only file system\n");
      assertThat(r.denials())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.source()).isEqualTo(Denial.Source.INFERRED);
                assertThat(d.access()).isEqualTo("write");
                assertThat(d.target()).isEqualTo("/etc/motd");
              });
      assertThat(r.isolators()).contains("all/all");
      assertThat(r.launcher()).isNotEmpty();
      assertThat(run.waitFor().denials()).isEqualTo(r.denials());
    }
  }

  @Test
  void aSuccessfulRunInfersNothingAndAThrowingListenerDoesNotBlockTheCommand() throws Exception {
    OutputListener throwing =
        new OutputListener() {
          @Override
          public void stdout(byte[] chunk) {
            throw new IllegalStateException("listener bug");
          }
        };
    // 1 MiB through a listener that throws at once: the stream is still drained to the end
    String script = "head -c 1048576 /dev/zero; echo 'cannot create /etc/x: Permission denied' >&2";
    try (SandboxExecution run =
        sandbox.start(
            SandboxRequest.of(SandboxPolicy.defaults(workspace), List.of("sh", "-c", script)),
            throwing)) {
      run.stdin().close();
      SandboxResult r = run.completion().get(30, TimeUnit.SECONDS);
      assertThat(r.exitCode()).isZero();
      assertThat(r.denials()).isEmpty();
      assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void runCollectsStandardErrorAndInfersFromIt() {
    SandboxResult r =
        sandbox.run(
            SandboxPolicy.defaults(workspace),
            List.of(
                "sh",
                "-c",
                "echo \"touch: cannot touch '/opt/x': Permission denied\" >&2; exit 1"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.denials()).extracting(Denial::target).containsExactly("/opt/x");
    assertThat(r.denials().get(0).remedy())
        .hasValueSatisfying(s -> assertThat(s).contains("--allow-write /opt/x"));
  }
}
