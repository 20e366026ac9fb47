package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.sandbox4j.core.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Real reports of {@code run --report} (a failed run with an inferred denial, a timeout, a death by
 * signal) validate against docs/schema/run-report-v1.json, and the schema rejects a broken one. The
 * pretend backend confines nothing: the command prints the refusal a confined one would get.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "uses sh")
class RunReportSchemaTest {
  static final Path SCHEMA = Path.of("..", "docs", "schema", "run-report-v1.json");

  @TempDir Path dir;

  /** XDG_CACHE_HOME, outside the workspace: the engine's directory may not be writable. */
  @TempDir Path cache;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final JsonMapper json = JsonMapper.builder().build();

  static Schema schema() throws Exception {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(Files.readString(SCHEMA), InputFormat.JSON);
  }

  private JsonNode report(int expectedExit, String... command) throws Exception {
    Path report = dir.resolve("report-" + expectedExit + ".json");
    Map<String, String> env =
        Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(), "XDG_CACHE_HOME", cache.toString());
    CommandLine cl =
        Main.commandLine(
            new CliContext(env, dir, () -> Sandbox.create(List.of(new CliTest.PretendProvider()))));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = new String[command.length + 4];
    args[0] = "run";
    args[1] = "--report=" + report;
    args[2] = "--timeout=300ms";
    args[3] = "--";
    System.arraycopy(command, 0, args, 4, command.length);
    assertThat(cl.execute(args)).as(err.toString()).isEqualTo(expectedExit);
    String text = Files.readString(report);
    List<Error> errors = schema().validate(text, InputFormat.JSON);
    assertThat(errors).as(text).isEmpty();
    return json.readTree(text);
  }

  @Test
  void aFailedRunNamesItsInferredDenialInTheReportAndOnStandardError() throws Exception {
    JsonNode r =
        report(
            1,
            "sh",
            "-c",
            "echo \"touch: cannot touch '/opt/report-x': Permission denied\" >&2; exit 1");
    assertThat(r.get("version").asInt()).isEqualTo(1);
    assertThat(r.get("exitCode").asInt()).isEqualTo(1);
    assertThat(r.get("signal").isNull()).isTrue();
    assertThat(r.get("timedOut").asBoolean()).isFalse();
    assertThat(r.get("policy").get("timeoutMillis").asLong()).isEqualTo(300);
    assertThat(r.get("backends").get(0).asString()).isEqualTo("automatic");
    assertThat(r.get("isolators").toString()).contains("pretend/everything");
    assertThat(r.get("launcher").asString()).isNotEmpty();
    assertThat(r.get("peakMemory").get("source").asString()).isNotEmpty();
    JsonNode d = r.get("denials").get(0);
    assertThat(d.get("access").asString()).isEqualTo("write");
    assertThat(d.get("target").asString()).isEqualTo("/opt/report-x");
    assertThat(d.get("source").asString()).isEqualTo("inferred");
    assertThat(d.get("remedy").asString()).contains("--allow-write /opt/report-x");
    assertThat(err.toString())
        .contains(
            "sandbox: inferred: write /opt/report-x was denied by the policy (not beneath a writable root");
  }

  @Test
  void aTimeoutAndASignalAreReportedAsSuch() throws Exception {
    JsonNode t = report(124, "sleep", "30");
    assertThat(t.get("timedOut").asBoolean()).isTrue();
    assertThat(t.get("signal").isNull()).isTrue();
    assertThat(t.get("denials")).isEmpty();
    JsonNode k = report(137, "sh", "-c", "kill -9 $$");
    assertThat(k.get("signal").asInt()).isEqualTo(9);
    assertThat(err.toString()).doesNotContain("inferred");
  }

  @Test
  void theSchemaRejectsAReportThatBreaksIt() throws Exception {
    JsonNode good = report(0, "true");
    ObjectNode wrongVersion = (ObjectNode) good.deepCopy();
    wrongVersion.put("version", 2);
    ObjectNode noDenials = (ObjectNode) good.deepCopy();
    noDenials.remove("denials");
    ObjectNode badSource = (ObjectNode) good.deepCopy();
    badSource
        .putArray("denials")
        .addObject()
        .put("access", "write")
        .put("target", "/x")
        .put("source", "guessed")
        .put("reason", "r")
        .putNull("remedy");
    for (ObjectNode bad : List.of(wrongVersion, noDenials, badSource)) {
      assertThat(schema().validate(bad.toString(), InputFormat.JSON))
          .as(bad.toString())
          .isNotEmpty();
    }
  }
}
