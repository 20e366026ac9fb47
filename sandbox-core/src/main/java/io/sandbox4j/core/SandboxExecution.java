package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.proxy.NetworkEvent;
import io.sandbox4j.proxy.RunProxy;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;

/**
 * A running sandboxed command. The wall-clock timeout is armed at start and kills the whole tree
 * whether or not anybody waits. Close it (or wait for it) to release per-run resources.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SandboxExecution implements AutoCloseable {
  private final SandboxProcess process;
  private final LaunchSpec spec;
  private final String launcherId;
  private final long startNanos;
  private final AtomicBoolean timedOut = new AtomicBoolean();
  private final AtomicBoolean cleaned = new AtomicBoolean();
  private final ScheduledFuture<?> timer;
  private volatile long endNanos;

  SandboxExecution(
      SandboxProcess process,
      LaunchSpec spec,
      String launcherId,
      long startNanos,
      Optional<Duration> timeout,
      ScheduledExecutorService scheduler) {
    this.process = process;
    this.spec = spec;
    this.launcherId = launcherId;
    this.startNanos = startNanos;
    this.timer =
        timeout
            .map(
                t ->
                    scheduler.schedule(
                        () -> {
                          if (process.isAlive()) {
                            timedOut.set(true);
                            process.killTree();
                          }
                        },
                        t.toNanos(),
                        TimeUnit.NANOSECONDS))
            .orElse(null);
  }

  public long pid() {
    return process.pid();
  }

  /** The id of the launcher that started the command. */
  public String launcherId() {
    return launcherId;
  }

  public OutputStream stdin() {
    return process.stdin();
  }

  public InputStream stdout() {
    return process.stdout();
  }

  public InputStream stderr() {
    return process.stderr();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the end and returns how it ended (no collected output). The streams stay readable
   * until {@link #close()}.
   */
  public SandboxResult waitFor() throws InterruptedException {
    int code = process.waitFor();
    return finish(code);
  }

  /** Waits up to {@code timeout}; empty when still running. */
  public Optional<SandboxResult> waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return Optional.empty();
    }
    return Optional.of(finish(process.waitFor()));
  }

  SandboxResult finish(int code, byte[] out, byte[] err) {
    if (endNanos == 0) {
      endNanos = System.nanoTime();
    }
    if (timer != null) {
      timer.cancel(false);
    }
    boolean killed = timedOut.get();
    // The command and the launcher's relay have ended: no connection can reach the proxy any more.
    List<NetworkEvent> events =
        spec.findExtension(RunProxy.class).map(RunProxy::stop).orElse(List.of());
    return SandboxResult.builder()
        .networkEvents(events)
        .exitCode(killed ? SandboxResult.EXIT_TIMEOUT : code)
        .timedOut(killed)
        .elapsed(Duration.ofNanos(endNanos - startNanos))
        .stdout(out)
        .stderr(err)
        .build();
  }

  private SandboxResult finish(int code) {
    return finish(code, new byte[0], new byte[0]);
  }

  /** Kills the whole tree now. */
  public void kill() {
    process.killTree();
  }

  /** Kills what is left of the tree and releases per-run resources (temp dirs and the like). */
  @Override
  public void close() {
    if (cleaned.compareAndSet(false, true)) {
      if (timer != null) {
        timer.cancel(false);
      }
      process.killTree();
      spec.runCleanups();
    }
  }
}
