package io.sandbox4j.cli;

import io.sandbox4j.core.Sandbox;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What commands take from their surroundings: the caller's environment, the current directory and
 * the engine, created only when a command needs it (so --help and bad flags stay fast).
 */
public final class CliContext {
  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final Supplier<Sandbox> sandboxFactory;
  private final Caller caller;
  private Sandbox sandbox;

  CliContext(Map<String, String> environment, Path workingDirectory, Supplier<Sandbox> sandbox) {
    this(environment, workingDirectory, sandbox, Caller.LOCAL);
  }

  /** A context for a caller other than this process (the warm engine's client). */
  public CliContext(
      Map<String, String> environment,
      Path workingDirectory,
      Supplier<Sandbox> sandbox,
      Caller caller) {
    this.environment = Map.copyOf(environment);
    this.workingDirectory = workingDirectory;
    this.sandboxFactory = sandbox;
    this.caller = caller;
  }

  /**
   * The process's own context; for {@code run} the engine is wired from the start, beside the
   * parsing ({@link EarlySandbox}).
   */
  static CliContext system(String[] args) {
    Supplier<Sandbox> sandbox =
        args.length > 0 && args[0].equals("run")
            ? EarlySandbox.start(Sandbox::create)
            : Sandbox::create;
    return new CliContext(
        callerEnvironment(System.getenv()), Path.of("").toAbsolutePath(), sandbox);
  }

  /** Set by {@code ./sandbox}: the caller's LC_ALL as {@code =VALUE}, or {@code unset}. */
  static final String CALLER_LC_ALL = "SANDBOX4J_CALLER_LC_ALL";

  /**
   * The environment the caller had: {@code ./sandbox} runs the JVM with a UTF-8 locale (so that
   * arguments and paths arrive unchanged) and hands over the caller's own LC_ALL, which the command
   * gets back.
   */
  public static Map<String, String> callerEnvironment(Map<String, String> jvmEnvironment) {
    String saved = jvmEnvironment.get(CALLER_LC_ALL);
    if (saved == null) {
      return jvmEnvironment;
    }
    Map<String, String> env = new HashMap<>(jvmEnvironment);
    env.remove(CALLER_LC_ALL);
    if (saved.startsWith("=")) {
      env.put("LC_ALL", saved.substring(1));
    } else {
      env.remove("LC_ALL");
    }
    return env;
  }

  public Map<String, String> environment() {
    return environment;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  Caller caller() {
    return caller;
  }

  synchronized Sandbox sandbox() {
    if (sandbox == null) {
      sandbox = sandboxFactory.get();
    }
    return sandbox;
  }
}
