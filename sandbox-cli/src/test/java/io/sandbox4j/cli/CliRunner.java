package io.sandbox4j.cli;

import io.sandbox4j.cli.engine.InProcessEngine;
import io.sandbox4j.core.Sandbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * Runs the command line for the CLI tests, both ways (issue 16): {@link Mode#IN_JVM} executes
 * {@link Main#commandLine} in this JVM as before; {@link Mode#ENGINE} hands {@code run} to a real
 * engine in this JVM through the real native client ({@code target/sandbox4j-client}), exec'd with
 * the test's arguments, environment and directory, and returns its exit code and what it wrote, in
 * the same shape. Other commands take the in-JVM path in both modes, as {@code ./sandbox} sends
 * only {@code run} to the client. A test class registers one runner as a static extension and runs
 * once per mode ({@code @ParameterizedClass @EnumSource(CliRunner.Mode.class)}); the engine is
 * started on the first engine run of the class and stopped after the class.
 */
final class CliRunner implements AfterAllCallback {
  /** How a test's command line is run. */
  enum Mode {
    IN_JVM,
    ENGINE
  }

  static final Path CLIENT = Path.of("target", "sandbox4j-client").toAbsolutePath();
  private static final Path BASE = Path.of("target", "cli-engine").toAbsolutePath();

  static {
    // Main's format for what backends log (Main.main sets it in its own process)
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "sandbox: %4$s: %5$s%6$s%n");
    }
  }

  private InProcessEngine engine;

  /** What the client did: exit code and the bytes it wrote. */
  record Outcome(int exit, byte[] out, byte[] err) {
    String stdout() {
      return new String(out, StandardCharsets.UTF_8);
    }

    String stderr() {
      return new String(err, StandardCharsets.UTF_8);
    }
  }

  /**
   * Runs {@code args} in {@code mode}; what the CLI (and, through the engine, the command) writes
   * is appended to {@code out} and {@code err}.
   */
  int execute(
      Mode mode,
      Map<String, String> environment,
      Path cwd,
      Supplier<Sandbox> sandbox,
      PrintWriter out,
      PrintWriter err,
      String... args) {
    if (mode == Mode.IN_JVM || args.length == 0 || !args[0].equals("run")) {
      CommandLine cl = Main.commandLine(new CliContext(environment, cwd, sandbox), args);
      cl.setOut(out);
      cl.setErr(err);
      // what backends log reaches standard error, as Main's console handler does in its process
      Handler console =
          new Handler() {
            @Override
            public void publish(LogRecord r) {
              if (isLoggable(r)) {
                err.print(getFormatter().format(r));
                err.flush();
              }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      console.setFormatter(new SimpleFormatter());
      Logger root = Logger.getLogger("");
      root.addHandler(console);
      try {
        return cl.execute(args);
      } finally {
        root.removeHandler(console);
      }
    }
    Outcome o = throughEngine(environment, cwd, sandbox, args);
    out.print(o.stdout());
    out.flush();
    err.print(o.stderr());
    err.flush();
    return o.exit();
  }

  /**
   * Runs {@code args} in {@code mode} with the real backends ({@link Sandbox#create()}), keeping
   * standard error in {@code err} and dropping standard output.
   */
  int executeWithRealBackends(
      Mode mode, Map<String, String> environment, Path cwd, StringWriter err, String... args) {
    return execute(
        mode,
        environment,
        cwd,
        Sandbox::create,
        new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true),
        args);
  }

  /** Runs {@code run ARGS...} through the engine and the native client; fails on a fallback. */
  Outcome throughEngine(
      Map<String, String> environment, Path cwd, Supplier<Sandbox> sandbox, String... args) {
    try {
      Path dir = Files.createDirectories(BASE);
      Path out = Files.createTempFile(dir, "out", "");
      Path err = Files.createTempFile(dir, "err", "");
      try {
        ProcessBuilder pb = clientBuilder(environment, sandbox, args).directory(cwd.toFile());
        pb.redirectInput(Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process client = pb.start();
        if (!client.waitFor(120, TimeUnit.SECONDS)) {
          client.destroyForcibly();
          throw new AssertionError("the client did not end within 120 s: " + engine.log());
        }
        return checked(
            new Outcome(client.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err)));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The {@code XDG_RUNTIME_DIR} the client is given to find the engine (started here if it is not
   * yet): the engine's directory for a run through the engine lies beneath it.
   */
  Path engineRuntimeDirectory(Map<String, String> environment, Supplier<Sandbox> sandbox)
      throws IOException {
    Assumptions.assumeTrue(
        System.getProperty("os.name").equals("Linux"), "the engine is a Linux program");
    if (engine == null) {
      engine = InProcessEngine.start(BASE, new HashMap<>(environment), sandbox);
    }
    return engine.runtimeDirectory();
  }

  /**
   * The client for {@code run ARGS...} with {@code environment} (plus where it finds the engine),
   * the engine primed to serve it with that environment and {@code sandbox}; the caller sets the
   * directory and streams. Without the native client, the test is aborted saying why.
   */
  ProcessBuilder clientBuilder(
      Map<String, String> environment, Supplier<Sandbox> sandbox, String... args)
      throws IOException {
    Assumptions.assumeTrue(
        System.getProperty("os.name").equals("Linux"),
        "the engine and its native client are Linux programs");
    Assumptions.assumeTrue(
        Files.isExecutable(CLIENT),
        "the native client was not built (profile native needs a C compiler at /usr/bin/cc)");
    Map<String, String> env = new HashMap<>(environment);
    if (engine == null) {
      engine = InProcessEngine.start(BASE, env, sandbox);
    }
    env.putIfAbsent("XDG_RUNTIME_DIR", engine.runtimeDirectory().toString());
    engine.serveNext(env, sandbox);
    List<String> command = new ArrayList<>(List.of(CLIENT.toString(), engine.script().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(env);
    // no engine start on demand; and a fallback says why on standard error
    pb.environment().put("SANDBOX4J_ENGINE", "manual");
    pb.environment().put("SANDBOX4J_ENGINE_DEBUG", "1");
    return pb;
  }

  /**
   * A process running the CLI with {@code args} and this JVM's environment: {@code java Main} for
   * {@link Mode#IN_JVM}, the native client served by the engine for {@link Mode#ENGINE}; the caller
   * sets the directory and streams.
   */
  ProcessBuilder process(Mode mode, String... args) throws IOException {
    if (mode == Mode.ENGINE) {
      return clientBuilder(System.getenv(), Sandbox::create, args);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** A run the engine did not serve fails the test: it would pass on the in-JVM path alone. */
  Outcome checked(Outcome o) {
    if (o.exit() == InProcessEngine.FELL_BACK
        && o.stderr().contains(InProcessEngine.FELL_BACK_LINE)) {
      throw new AssertionError(
          "the engine did not serve the run:\n" + o.stderr() + "engine log:\n" + engine.log());
    }
    return o;
  }

  /** The engine's status, for tests that check it served their runs. */
  String engineStatus() {
    return engine == null ? "no engine" : engine.status();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (engine != null) {
      engine.close();
      engine = null;
    }
  }
}
