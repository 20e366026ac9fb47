package io.sandbox4j.cli;

import io.sandbox4j.core.Sandbox;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What commands take from their surroundings: the caller's environment, the current directory and
 * the engine, created only when a command needs it (so --help and bad flags stay fast).
 */
final class CliContext {
  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final Supplier<Sandbox> sandboxFactory;
  private Sandbox sandbox;

  CliContext(Map<String, String> environment, Path workingDirectory, Supplier<Sandbox> sandbox) {
    this.environment = Map.copyOf(environment);
    this.workingDirectory = workingDirectory;
    this.sandboxFactory = sandbox;
  }

  static CliContext system() {
    return new CliContext(System.getenv(), Path.of("").toAbsolutePath(), Sandbox::create);
  }

  Map<String, String> environment() {
    return environment;
  }

  Path workingDirectory() {
    return workingDirectory;
  }

  synchronized Sandbox sandbox() {
    if (sandbox == null) {
      sandbox = sandboxFactory.get();
    }
    return sandbox;
  }
}
