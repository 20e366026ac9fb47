package io.sandbox4j.cli.engine;

import io.sandbox4j.core.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real engine in this JVM for the CLI tests that run both ways ({@code
 * io.sandbox4j.cli.CliRunner}): its socket in {@code RUNTIME/sandbox4j} under the directory the
 * test names (under target/, never /tmp, which sandboxed commands see as their private /tmp), named
 * by a stand-in "script" that the native client execs when it falls back: the stand-in says so and
 * exits {@link #FELL_BACK}, so a test cannot pass through the in-JVM path unnoticed. Each run is
 * served with the environment and Sandbox of the test's call ({@link #serveNext}), as that test's
 * in-JVM path uses them.
 */
public final class InProcessEngine implements AutoCloseable {
  /** The stand-in script's exit code. */
  public static final int FELL_BACK = 99;

  /** The stand-in script's line on standard error. */
  public static final String FELL_BACK_LINE =
      "sandbox4j test: the client fell back to the in-JVM path";

  private static final AtomicInteger DIRS = new AtomicInteger();

  private final Path runtime;
  private final Path script;
  private final EngineLocation location;
  private final EngineServer server;
  private final Thread serving;
  private volatile Map<String, String> environment;
  private volatile Supplier<Sandbox> sandbox;

  private InProcessEngine(Path base, Map<String, String> environment, Supplier<Sandbox> sandbox)
      throws IOException {
    this.environment = environment;
    this.sandbox = sandbox;
    Files.createDirectories(base);
    String name = "r" + ProcessHandle.current().pid() + "-" + DIRS.incrementAndGet();
    runtime = Files.createDirectories(base.resolve(name));
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    script = runtime.resolve("sandbox");
    Files.writeString(
        script, "#!/bin/sh\necho '" + FELL_BACK_LINE + "' >&2\nexit " + FELL_BACK + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    location =
        new EngineLocation(runtime.resolve("sandbox4j"), EngineLocation.id(script.toString()));
    server =
        new EngineServer(
            location,
            Duration.ZERO,
            new RequestChecks(() -> this.environment, List.of()),
            () -> this.sandbox.get());
    server.sandboxPerRun(() -> this.sandbox.get());
    if (!server.open()) {
      throw new IllegalStateException("another engine holds " + location.lock());
    }
    serving = new Thread(server::serve, "test-engine-" + name);
    serving.setDaemon(true);
    serving.start();
  }

  /**
   * Starts an engine under {@code base}; its warm-up and first run use {@code environment} and
   * {@code sandbox}.
   */
  public static InProcessEngine start(
      Path base, Map<String, String> environment, Supplier<Sandbox> sandbox) throws IOException {
    return new InProcessEngine(base, environment, sandbox);
  }

  /** The next run is served with this environment (compared to the request's) and Sandbox. */
  public void serveNext(Map<String, String> environment, Supplier<Sandbox> sandbox) {
    this.environment = Map.copyOf(environment);
    this.sandbox = sandbox;
  }

  /** The value of {@code XDG_RUNTIME_DIR} under which the client finds this engine. */
  public Path runtimeDirectory() {
    return runtime;
  }

  /** The stand-in script, the client's first argument. */
  public Path script() {
    return script;
  }

  /** What {@code sandbox engine status} prints. */
  public String status() {
    return server.status();
  }

  /** The engine's log so far (refusals, fallbacks, protocol errors). */
  public String log() {
    try {
      return Files.readString(location.log(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (!server.isStopping()) {
      server.stop();
    }
    serving.join(40_000);
  }
}
