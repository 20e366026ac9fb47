package io.sandbox4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.Sandbox;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@link SandboxTool} the way LangChain4j does for a model's tool call: the specification
 * from {@link ToolSpecifications}, the call through {@link DefaultToolExecutor} with JSON
 * arguments. No model is called. The sandbox is the engine with the backends on the test class path
 * (the built-in one here: this module tests the tool, the backends test enforcement).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the tool runs /bin/sh with the Linux backends")
class SandboxToolTest {
  @TempDir static Path workspace;

  static SandboxTool tool;

  @BeforeAll
  static void create() {
    tool =
        SandboxTool.of(
                Sandbox.create(),
                SandboxPolicy.builder(workspace)
                    .resources(
                        SandboxPolicy.defaults(workspace)
                            .resources()
                            .withTimeout(Duration.ofSeconds(20)))
                    .build())
            .withOutputCap(100);
  }

  private static String call(String arguments) {
    ToolSpecification spec = ToolSpecifications.toolSpecificationsFrom(tool).get(0);
    ToolExecutionRequest request =
        ToolExecutionRequest.builder().id("1").name(spec.name()).arguments(arguments).build();
    // as AiServices does: one executor per @Tool method of the object
    Method method =
        Arrays.stream(SandboxTool.class.getMethods())
            .filter(m -> m.isAnnotationPresent(Tool.class))
            .findFirst()
            .orElseThrow();
    return new DefaultToolExecutor(tool, method).execute(request, "memory-1");
  }

  @Test
  void theSpecificationNamesTheToolAndItsParameters() {
    List<ToolSpecification> specs = ToolSpecifications.toolSpecificationsFrom(tool);
    assertThat(specs).hasSize(1);
    ToolSpecification spec = specs.get(0);
    assertThat(spec.name()).isEqualTo("run_command");
    assertThat(spec.description()).contains("sandbox");
    assertThat(spec.parameters().properties()).containsKeys("command", "timeoutSeconds");
    assertThat(spec.parameters().required()).containsExactly("command");
  }

  @Test
  void aCommandRunsInTheWorkspaceAndItsOutputComesBack() throws Exception {
    String result = call("{\"command\": \"pwd; echo made > made.txt; echo oops >&2; exit 3\"}");
    assertThat(result)
        .startsWith("exit code 3")
        .contains("stdout:\n" + workspace.toRealPath())
        .contains("stderr:\noops");
    assertThat(workspace.resolve("made.txt")).hasContent("made");
  }

  @Test
  void outputOverTheCapIsCutAndTheCutIsStated() {
    String result = call("{\"command\": \"head -c 5000 /dev/zero | tr '\\\\0' x\"}");
    assertThat(result).contains("[output cut: 100 of 5000 bytes shown]");
    assertThat(result).doesNotContain("x".repeat(101));
  }

  @Test
  void theTimeoutKillsTheCommand() {
    long start = System.nanoTime();
    String result = call("{\"command\": \"sleep 30\", \"timeoutSeconds\": 1}");
    assertThat(result).startsWith("timed out after");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aLongerTimeoutThanThePolicysIsRefusedAndNothingRuns() {
    String result = call("{\"command\": \"echo ran > ran.txt\", \"timeoutSeconds\": 3600}");
    assertThat(result).startsWith("refused: timeoutSeconds 3600 is longer than the policy's");
    assertThat(Files.exists(workspace.resolve("ran.txt"))).isFalse();
  }
}
