package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.core.Sandbox;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * The engine, wired on a second thread from the start of a cold {@code sandbox run}: the backend
 * wiring (ServiceLoader, the Guice injector, the backend registry) and picocli's model with the
 * policy resolution each take tens of milliseconds of interpreted code, and with a second core one
 * runs beside the other. The wiring touches no file and starts no process (the host probes run
 * later, in the selection), so a run refused for bad input still changes nothing. Failures surface
 * where the engine is asked for, unchanged.
 */
final class EarlySandbox implements Supplier<Sandbox> {
  private final FutureTask<Sandbox> wiring;

  private EarlySandbox(Supplier<Sandbox> factory) {
    this.wiring = new FutureTask<>(factory::get);
  }

  /** Starts {@code factory} on a daemon thread (it must not keep the JVM alive on exit 2). */
  static EarlySandbox start(Supplier<Sandbox> factory) {
    EarlySandbox early = new EarlySandbox(factory);
    Thread thread = new Thread(early.wiring, "sandbox4j-early-wiring");
    thread.setDaemon(true);
    thread.start();
    return early;
  }

  @Override
  public Sandbox get() {
    try {
      return wiring.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SandboxException.cannotSandbox("interrupted while the backends were wired", e);
    }
  }
}
