package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI in a process of its own with the real backends: the command's standard error reaches the
 * caller unchanged and at once (a partial line while the command still runs), and a write the
 * kernel refused is followed by the inferred line. The CLI is {@code java Main} or the native
 * client served by an engine in this JVM ({@link CliRunner}).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the real Linux backends confine the command")
@ParameterizedClass
@EnumSource(CliRunner.Mode.class)
class InferredDenialCliTest {
  @RegisterExtension static final CliRunner CLI = new CliRunner();
  @Parameter CliRunner.Mode mode;
  @TempDir Path workspace;

  @Test
  void standardErrorPassesThroughAtOnceAndARefusedWriteGetsItsLine() throws Exception {
    Path target = Path.of("/opt/sbx4j-inferred-" + ProcessHandle.current().pid());
    Path report = Files.createTempFile("sbx4j-report", ".json");
    String script =
        "printf 'partial \\001\\377' >&2; while [ ! -e go ]; do sleep 0.05; done; touch " + target;
    Process cli =
        CLI.process(
                mode,
                "run",
                "--report",
                report.toString(),
                "--timeout",
                "60s",
                "--",
                "sh",
                "-c",
                script)
            .directory(workspace.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    cli.getOutputStream().close();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = cli.getErrorStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) >= 0; ) {
                  synchronized (err) {
                    err.write(b, 0, n);
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!text(err).contains("partial") && cli.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Assumptions.assumeFalse(
          !cli.isAlive() && cli.exitValue() == 125, "the sandbox cannot run here: " + text(err));
      // the command is still waiting for "go": its partial line got through unbuffered
      assertThat(cli.isAlive()).as(text(err)).isTrue();
      synchronized (err) {
        byte[] got = err.toByteArray();
        assertThat(got).startsWith("partial \001\377".getBytes(StandardCharsets.ISO_8859_1));
      }
      Files.createFile(workspace.resolve("go"));
      assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      String all = text(err);
      assertThat(cli.exitValue()).as(all).isEqualTo(1);
      List<String> lines = all.lines().toList();
      int touch = indexOf(lines, "touch: cannot touch '" + target + "'");
      int inferred =
          indexOf(
              lines,
              "sandbox: inferred: write "
                  + target
                  + " was denied by the policy (not beneath a writable root");
      assertThat(touch).as(all).isNotNegative();
      assertThat(inferred).as(all).isGreaterThan(touch);
      assertThat(lines.get(inferred)).contains("allow it with --allow-write " + target);
      assertThat(target).doesNotExist();
      // the real launcher's report: valid, with the denial and a measured peak
      String text = Files.readString(report);
      assertThat(RunReportSchemaTest.schema().validate(text, com.networknt.schema.InputFormat.JSON))
          .as(text)
          .isEmpty();
      JsonNode r = JsonMapper.builder().build().readTree(text);
      assertThat(r.get("launcher").asString()).isEqualTo("linux-native");
      assertThat(r.get("peakMemory").get("bytes").asLong()).as(text).isPositive();
      assertThat(r.get("peakMemory").get("source").asString()).doesNotStartWith("not measured");
      assertThat(r.get("denials").get(0).get("target").asString()).isEqualTo(target.toString());
    } finally {
      cli.destroyForcibly();
      Files.deleteIfExists(report);
    }
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static String text(ByteArrayOutputStream b) {
    synchronized (b) {
      return b.toString(StandardCharsets.UTF_8);
    }
  }
}
