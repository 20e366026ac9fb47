package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.core.git.GitSweep;
import io.sandbox4j.proxy.NetworkEvent;
import io.sandbox4j.proxy.RunProxy;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
  private final Supplier<GitSweep.Outcome> sweep;
  private GitSweep.Outcome swept;
  private final ChangeSet changeSet;

  SandboxExecution(
      SandboxProcess process,
      LaunchSpec spec,
      String launcherId,
      long startNanos,
      Optional<Duration> timeout,
      ScheduledExecutorService scheduler,
      Supplier<GitSweep.Outcome> sweep,
      ChangeSet changeSet) {
    this.process = process;
    this.changeSet = changeSet;
    this.sweep = sweep;
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
    GitSweep.Outcome outcome = sweep();
    List<String> notices = new ArrayList<>(outcome.notices());
    int exit = killed ? SandboxResult.EXIT_TIMEOUT : code;
    if (outcome.failed()) {
      exit = SandboxException.EXIT_CANNOT_SANDBOX;
      notices.add(failureMessage(outcome));
    }
    return SandboxResult.builder()
        .networkEvents(events)
        .exitCode(exit)
        .timedOut(killed)
        .elapsed(Duration.ofNanos(endNanos - startNanos))
        .stdout(out)
        .stderr(err)
        .notices(notices)
        .changeSet(changeSet)
        .build();
  }

  /**
   * The post-run git sweep, once: every process of the run is killed first, so nothing can plant
   * after it.
   */
  private synchronized GitSweep.Outcome sweep() {
    if (swept == null) {
      process.killTree();
      swept = bounded(sweep);
    }
    return swept;
  }

  /**
   * Runs the sweep on a thread of its own and waits at most a minute past its own time limit: a
   * sweep that fails in any way, or hangs, is a failure (exit 125), never an exception or a hang.
   */
  static GitSweep.Outcome bounded(Supplier<GitSweep.Outcome> sweep) {
    java.util.concurrent.CompletableFuture<GitSweep.Outcome> f =
        new java.util.concurrent.CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                f.complete(sweep.get());
              } catch (Throwable e) { // NOPMD: any failure must become exit 125
                f.completeExceptionally(e);
              }
            },
            "sandbox4j-git-sweep");
    t.setDaemon(true);
    t.start();
    Duration wait = GitSweep.MAX_TIME.plusMinutes(1);
    try {
      return f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      t.interrupt();
      return failed("the git sweep did not end within " + wait);
    } catch (java.util.concurrent.ExecutionException e) {
      return failed("the git sweep failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("interrupted while the git sweep ran");
    }
  }

  private static GitSweep.Outcome failed(String why) {
    return new GitSweep.Outcome(List.of(), List.of(why));
  }

  private static String failureMessage(GitSweep.Outcome outcome) {
    return "exit 125: the sandbox could not make the workspace's git directories safe after the"
        + " run (host git might run what the command planted): "
        + String.join("; ", outcome.failures());
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
      GitSweep.Outcome outcome = sweep();
      spec.runCleanups();
      if (outcome.failed() && endNanos == 0) {
        // nobody asked how the run ended: the failure must not pass unnoticed
        throw SandboxException.cannotSandbox(failureMessage(outcome));
      }
    }
  }
}
