package io.sandbox4j.cli.engine;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What backends report through System.Logger while a run is served goes to that run's client, as
 * the in-JVM CLI prints it on standard error (one {@code sandbox: WARNING: ...} line, Main's
 * format): a handler on the root logger, with the run's standard error per serving thread. The
 * engine's own log keeps its copy (the console handler, which writes to it).
 */
final class RunLogRelay extends Handler {
  private static final ThreadLocal<PrintWriter> RUN_STDERR = new ThreadLocal<>();

  private RunLogRelay() {
    setFormatter(new SimpleFormatter());
  }

  /** Installs a relay on the root logger; the returned handler is removed with {@link #remove}. */
  static RunLogRelay install() {
    RunLogRelay relay = new RunLogRelay();
    Logger.getLogger("").addHandler(relay);
    return relay;
  }

  void remove() {
    Logger.getLogger("").removeHandler(this);
  }

  /** Runs {@code run} on this thread with what it logs relayed to {@code stderr}. */
  static <T> T during(PrintWriter stderr, java.util.function.Supplier<T> run) {
    RUN_STDERR.set(stderr);
    try {
      return run.get();
    } finally {
      RUN_STDERR.remove();
    }
  }

  @Override
  public void publish(LogRecord record) {
    PrintWriter stderr = RUN_STDERR.get();
    if (stderr != null && isLoggable(record)) {
      stderr.print(getFormatter().format(record));
      stderr.flush();
    }
  }

  @Override
  public void flush() {
    // each record is flushed as it is relayed
  }

  @Override
  public void close() {
    // nothing held
  }
}
