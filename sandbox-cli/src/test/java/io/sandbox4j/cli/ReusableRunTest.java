package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.core.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The warm engine reuses one {@code run} command line for request after request ({@link
 * Main#reusableRun}): nothing of one request (flags, report file, command, directory, environment)
 * may reach the next.
 */
class ReusableRunTest {
  @TempDir Path dir;

  private final AtomicReference<CliContext> current = new AtomicReference<>();
  private final Sandbox sandbox = Sandbox.create(List.of(new CliTest.PretendProvider()));
  private final CommandLine line = Main.reusableRun(current::get);
  private StringWriter err;

  private int run(Path cwd, Map<String, String> env, String... args) {
    current.set(new CliContext(env, cwd, () -> sandbox));
    err = new StringWriter();
    line.setOut(new PrintWriter(new StringWriter(), true));
    line.setErr(new PrintWriter(err, true));
    return line.execute(args);
  }

  private static JsonNode report(Path file) throws Exception {
    return JsonMapper.builder().build().readTree(Files.readString(file));
  }

  @Test
  void aSecondRequestSeesNoneOfTheFirstsFlagsFilesOrDirectory() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path extra = Files.createDirectories(dir.resolve("extra"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Path c = Files.createDirectories(dir.resolve("c"));
    Map<String, String> env = Map.of("PATH", System.getenv().getOrDefault("PATH", ""));

    assertThat(
            run(
                a,
                env,
                "run",
                "--report",
                "r.json",
                "--allow-write",
                extra.toString(),
                "--timeout",
                "5s",
                "--",
                "true",
                "first"))
        .as(err::toString)
        .isZero();
    JsonNode first = report(a.resolve("r.json"));
    assertThat(first.at("/policy/workspace").asString()).isEqualTo(a.toString());
    assertThat(first.at("/policy/writableRoots").toString()).contains(extra.toString());
    assertThat(first.at("/policy/timeoutMillis").asLong()).isEqualTo(5000);

    assertThat(run(b, env, "run", "--report", "r.json", "--", "true")).as(err::toString).isZero();
    JsonNode second = report(b.resolve("r.json"));
    assertThat(second.at("/policy/workspace").asString()).isEqualTo(b.toString());
    assertThat(second.at("/policy/writableRoots").toString()).doesNotContain(extra.toString());
    assertThat(
            second.at("/policy/timeoutMillis").isMissingNode()
                || second.at("/policy/timeoutMillis").isNull())
        .as(second.toString())
        .isTrue();
    assertThat(second.at("/command").toString()).isEqualTo("[\"true\"]");

    // no --report this time: neither c nor the earlier directories get one
    long aWritten = Files.getLastModifiedTime(a.resolve("r.json")).toMillis();
    assertThat(run(c, env, "run", "--", "true")).as(err::toString).isZero();
    assertThat(c.resolve("r.json")).doesNotExist();
    assertThat(Files.getLastModifiedTime(a.resolve("r.json")).toMillis()).isEqualTo(aWritten);
    assertThat(report(b.resolve("r.json"))).isEqualTo(second);
  }

  @Test
  void aBadFlagAfterAGoodRequestIsStillExit2AndAGoodOneAfterItRuns() {
    Map<String, String> env = Map.of("PATH", System.getenv().getOrDefault("PATH", ""));
    assertThat(run(dir, env, "run", "--memory", "1g", "--", "true")).as(err::toString).isZero();
    assertThat(run(dir, env, "run", "--memory", "lots", "--", "touch", "marker")).isEqualTo(2);
    assertThat(err.toString()).contains("--memory: 'lots' is not a size");
    assertThat(dir.resolve("marker")).doesNotExist();
    assertThat(run(dir, env, "run", "--", "true")).as(err::toString).isZero();
  }

  @Test
  void aReusedLineWithoutARequestRefusesToRun() {
    CommandLine orphan =
        Main.reusableRun(
            () -> {
              throw new IllegalStateException("no request");
            });
    StringWriter e = new StringWriter();
    orphan.setErr(new PrintWriter(e, true));
    assertThat(orphan.execute("run", "--", "true")).isEqualTo(125);
    assertThat(e.toString()).contains("no request");
  }
}
