package io.sandbox4j.cli;

import io.sandbox4j.api.spi.ProcessStarter;
import io.sandbox4j.core.OutputListener;
import io.sandbox4j.core.SandboxExecution;

/**
 * Where {@code run}'s command is started and whose standard streams it gets: this process ({@link
 * #LOCAL}), or the warm engine's client, which forks the launcher itself and receives what the CLI
 * writes.
 */
public interface Caller {
  /** How the launcher's process is started. */
  ProcessStarter starter();

  /** Whether the caller's standard error is a terminal (then the command keeps it). */
  boolean stderrIsTerminal();

  /** Where the command's standard error goes when it is piped through the CLI. */
  OutputListener stderr();

  /** Called once the command runs, so that the caller can stop it (a signal, a dead client). */
  default void started(SandboxExecution execution) {}

  /** This JVM's own streams and {@link ProcessBuilder#start()}. */
  Caller LOCAL =
      new Caller() {
        @Override
        public ProcessStarter starter() {
          return ProcessStarter.LOCAL;
        }

        @Override
        public boolean stderrIsTerminal() {
          return CallerStderr.isTerminal();
        }

        @Override
        public OutputListener stderr() {
          return CallerStderr.PASS_THROUGH;
        }
      };
}
