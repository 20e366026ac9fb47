package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The real {@code ./sandbox} script end to end (issue 16): {@code engine start}, the same {@code
 * run} with {@code SANDBOX4J_ENGINE=off} (a JVM) and through the engine (the native client) gives
 * the same bytes and exit code, {@code engine status} counts the run, {@code engine stop} ends it.
 * It needs the packaged CLI (target/sandbox-cli.jar and target/lib): the build runs it in the
 * integration-test phase (pom.xml, execution script-end-to-end), after package.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "the engine, its unix socket and the native client are Linux's")
class EngineScriptEndToEndTest {
  private static final Path SCRIPT = Path.of("..", "sandbox").toAbsolutePath().normalize();
  private Path runtime;
  private Path workspace;
  private Map<String, String> env;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void setUp() throws IOException {
    Assumptions.assumeTrue(
        Files.isRegularFile(Path.of("target", "sandbox-cli.jar"))
            && Files.isDirectory(Path.of("target", "lib")),
        "the CLI is not packaged yet (this test runs in the integration-test phase)");
    Assumptions.assumeTrue(
        Files.isExecutable(CliRunner.CLIENT),
        "the native client was not built (profile native needs a C compiler at /usr/bin/cc)");
    Path base = Files.createDirectories(Path.of("target", "e2e").toAbsolutePath());
    runtime = Files.createTempDirectory(base, "r");
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    workspace = Files.createTempDirectory(base, "ws");
    env = new HashMap<>(System.getenv());
    env.remove("SANDBOX4J_ENGINE");
    env.remove("SANDBOX4J_ENGINE_DEBUG");
    // an engine of this test's own, not the user's
    env.put("XDG_RUNTIME_DIR", runtime.toString());
  }

  @AfterEach
  void stopTheEngine() throws Exception {
    if (runtime != null) {
      sandbox(Map.of(), "engine", "stop");
    }
  }

  @Test
  void aRunThroughTheEngineWritesAndExitsAsTheInJvmRun() throws Exception {
    Result start = sandbox(Map.of(), "engine", "start");
    assertThat(start.exit()).as(start.err()).isZero();
    assertThat(sandbox(Map.of(), "engine", "status").out()).contains("runs served: 0");

    assertThat(bothWays("", "run", "--", "sh", "-c", "echo out; echo err >&2; exit 3"))
        .isEqualTo(new Result(3, "out\n", "err\n"));
    // standard input closed by the caller: /dev/null both ways (a JVM once passed its own class
    // archive, which it had opened on descriptor 0, to the command)
    assertThat(bothWays("exec <&-;", "run", "--", "sh", "-c", "cat; echo rc=$?"))
        .isEqualTo(new Result(0, "rc=0\n", ""));
    Result status = sandbox(Map.of(), "engine", "status");
    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains("runs served: 2", "running: 0");

    Result stop = sandbox(Map.of(), "engine", "stop");
    assertThat(stop.exit()).as(stop.err()).isZero();
    assertThat(stop.out() + stop.err()).contains("stopped");
    Result after = sandbox(Map.of(), "engine", "status");
    assertThat(after.exit()).isEqualTo(1);
    assertThat(after.out() + after.err()).contains("no engine runs");
  }

  /**
   * {@code ./sandbox ARGS} with {@code SANDBOX4J_ENGINE=off} and through the engine, after the
   * shell commands {@code prefix}; the same result both ways, which it returns.
   */
  private Result bothWays(String prefix, String... args) throws Exception {
    Result jvm = sandboxAfter(prefix, Map.of("SANDBOX4J_ENGINE", "off"), args);
    // a fallback would say so on standard error (and start no JVM of its own: manual)
    Result engine =
        sandboxAfter(
            prefix, Map.of("SANDBOX4J_ENGINE", "manual", "SANDBOX4J_ENGINE_DEBUG", "1"), args);
    assertThat(engine).as(String.join(" ", args)).isEqualTo(jvm);
    return jvm;
  }

  private Result sandbox(Map<String, String> extra, String... args) throws Exception {
    return sandboxAfter("", extra, args);
  }

  private Result sandboxAfter(String prefix, Map<String, String> extra, String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of("/bin/sh", "-c", prefix + " exec \"$0\" \"$@\"", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workspace.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().putAll(extra);
    Path out = workspace.resolve("stdout");
    Path err = workspace.resolve("stderr");
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", args) + " did not end within 120 s");
    }
    return new Result(
        p.exitValue(),
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
        new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
  }
}
