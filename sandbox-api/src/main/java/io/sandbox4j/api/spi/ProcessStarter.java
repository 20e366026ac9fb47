package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * How a {@link Launcher} starts the process it has prepared. The default, {@link #LOCAL}, is {@link
 * ProcessBuilder#start()} in this JVM; the CLI's warm engine supplies one that has its client fork
 * and exec the process instead, so that the process inherits the client's standard streams,
 * terminal and session. A launcher builds its {@link ProcessBuilder} as usual (command,
 * environment, redirects, directory) and hands it to the spec's starter.
 */
@API(status = EXPERIMENTAL, since = "0.2")
@FunctionalInterface
public interface ProcessStarter {
  /** {@link ProcessBuilder#start()} in this JVM. */
  ProcessStarter LOCAL = ProcessBuilder::start;

  /**
   * Starts the process {@code builder} describes.
   *
   * @throws IOException as {@link ProcessBuilder#start()} does (its message carries {@code
   *     error=N,} with the errno when fork or exec failed)
   */
  Process start(ProcessBuilder builder) throws IOException;

  /**
   * Where the descriptors that a process started with {@code Redirect.INHERIT} inherits can be
   * inspected (Linux): {@code /proc/self/fd} for a local start, the client's {@code /proc/PID/fd}
   * for a remote one.
   */
  default Path inheritedDescriptors() {
    return Path.of("/proc/self/fd");
  }
}
