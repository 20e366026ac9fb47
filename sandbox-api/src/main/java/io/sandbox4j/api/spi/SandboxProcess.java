package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/** A started, sandboxed command. */
@API(status = EXPERIMENTAL, since = "0.1")
public interface SandboxProcess {

  /** The pid of the process the caller started (a launcher helper or the command itself). */
  long pid();

  /** The command's standard input; an empty stream unless the spec asked for a pipe. */
  OutputStream stdin();

  /** The command's standard output; an empty stream unless the spec asked for a pipe. */
  InputStream stdout();

  /** The command's standard error; an empty stream unless the spec asked for a pipe. */
  InputStream stderr();

  /**
   * Waits for the command to end and returns its exit code: the command's own code, or 128+N when
   * it died of signal N.
   */
  int waitFor() throws InterruptedException;

  /** Waits up to the timeout; true when the command ended. */
  boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException;

  boolean isAlive();

  /**
   * Kills the command and everything it started, reparented descendants included, as far as the
   * launch's isolators allow (see {@link io.sandbox4j.api.Feature#PROC_TREE_KILL}). Idempotent.
   */
  void killTree();

  /**
   * The peak memory of the command's tree once it has ended, when the launcher measured it, with
   * what measured it or why nothing did.
   */
  default PeakMemory peakMemory() {
    return PeakMemory.notMeasured("this launcher does not report peak memory");
  }
}
