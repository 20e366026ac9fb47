package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * The engine, wired and probed on a second thread from the start of a cold {@code sandbox run}: the
 * backend wiring (ServiceLoader, Guice) with the host probes, and picocli's model with the policy
 * resolution, each take tens of milliseconds of interpreted code, and with a second core one runs
 * beside the other. Failures surface where the engine is asked for, unchanged.
 */
final class EarlySandbox implements Supplier<Sandbox> {
  private final FutureTask<Sandbox> wiring;

  private EarlySandbox(Supplier<Sandbox> factory) {
    this.wiring = new FutureTask<>(() -> probed(factory.get()));
  }

  /**
   * The sandbox after every isolator's probe ran once (the launcher extracted and asked what the
   * host offers): the selection asks the same, and probes cache their answer. Done before the
   * sandbox is handed over, so no probe runs on two threads at once.
   */
  private static Sandbox probed(Sandbox sandbox) {
    for (SandboxBackend backend : sandbox.registry().backends()) {
      for (Isolator isolator : backend.isolators()) {
        try {
          isolator.probe();
        } catch (RuntimeException e) {
          // The selection probes again and reports it where it always did.
        }
      }
    }
    return sandbox;
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
