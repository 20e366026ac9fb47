package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.core.git.GitSweep;
import io.sandbox4j.proxy.NetworkEvent;
import io.sandbox4j.proxy.RunProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
  private final List<String> isolators;
  private final DenialScanner scanner = new DenialScanner();
  private final List<CompletableFuture<Void>> pumps = new ArrayList<>();
  private final CompletableFuture<SandboxResult> completion = new CompletableFuture<>();
  private final AtomicBoolean waiting = new AtomicBoolean();
  private boolean scannedCollected;
  private SandboxResult ended;

  SandboxExecution(
      SandboxProcess process,
      LaunchSpec spec,
      String launcherId,
      long startNanos,
      Optional<Duration> timeout,
      ScheduledExecutorService scheduler,
      Supplier<GitSweep.Outcome> sweep,
      List<String> isolators,
      ChangeSet changeSet) {
    this.process = process;
    this.isolators = List.copyOf(isolators);
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

  synchronized SandboxResult finish(int code, byte[] out, byte[] err) {
    if (ended == null) {
      ended = end(code);
    }
    if (err.length > 0 && !scannedCollected) {
      scannedCollected = true;
      scanner.accept(err, 0, err.length);
    }
    List<Denial> denials = new ArrayList<>(ended.denials());
    if (ended.exitCode() != 0) {
      denials.addAll(scanner.denials(spec.policy()));
    }
    SandboxResult r = ended.toBuilder().stdout(out).stderr(err).denials(denials).build();
    completion.complete(r);
    return r;
  }

  /** How the run ended, once: the proxy's events, the git sweep, the streams drained. */
  private SandboxResult end(int code) {
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
    drainPumps();
    if (changeSet != null) {
      // the tree has ended and the layer is swept: the caller may apply or discard it now
      changeSet.releaseRun();
    }
    List<Denial> denials = new ArrayList<>();
    for (NetworkEvent e : events) {
      if (e.outcome() == NetworkEvent.Outcome.DENIED) {
        denials.add(
            new Denial(
                "connect to",
                e.destination(),
                Denial.Source.OBSERVED,
                e.reason(),
                Optional.of(PolicyCheck.connectRemedy(spec.policy(), e.destination(), e.rule()))));
      }
    }
    return SandboxResult.builder()
        .networkEvents(events)
        .exitCode(exit)
        .timedOut(killed)
        .elapsed(Duration.ofNanos(endNanos - startNanos))
        .notices(notices)
        .changeSet(changeSet)
        .denials(denials)
        .launcher(launcherId)
        .isolators(isolators)
        .peakMemory(process.peakMemory())
        .build();
  }

  /**
   * Streams the piped output to {@code listener} on {@code readers} threads, a copy of standard
   * error through the denial scanner, and starts the wait that completes {@link #completion()}.
   */
  void stream(OutputListener listener, ExecutorService readers) {
    if (spec.redirects().stdout() == Redirect.PIPE) {
      pumps.add(pump(process.stdout(), listener::stdout, false, readers));
    }
    if (spec.redirects().stderr() == Redirect.PIPE) {
      pumps.add(pump(process.stderr(), listener::stderr, true, readers));
    }
    completion();
  }

  private CompletableFuture<Void> pump(
      InputStream in, Consumer<byte[]> to, boolean scan, ExecutorService readers) {
    return CompletableFuture.runAsync(
        () -> {
          byte[] buf = new byte[65536];
          boolean listening = true;
          try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
              if (scan) {
                scanner.accept(buf, 0, n);
              }
              if (listening) {
                try {
                  to.accept(Arrays.copyOf(buf, n));
                } catch (RuntimeException e) { // NOPMD: the listener's failure is its own
                  listening = false;
                }
              }
            }
          } catch (IOException e) {
            // the stream was closed (close() or kill): nothing more to read
          }
        },
        readers);
  }

  /** Waits (bounded: the tree is dead, so only a leaked descriptor could hold) for the pumps. */
  private void drainPumps() {
    for (CompletableFuture<Void> p : pumps) {
      try {
        p.get(PUMP_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
        // what was read so far is what there is
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static final Duration PUMP_DRAIN = Duration.ofSeconds(5);

  /**
   * Completes with the result when the command has ended and its streamed output is delivered (an
   * execution started without a listener completes with empty output). The wait runs on a thread of
   * its own once this is called; cancelling the future does not stop the command ({@link #kill()}
   * does).
   */
  public CompletableFuture<SandboxResult> completion() {
    if (waiting.compareAndSet(false, true)) {
      Thread t =
          new Thread(
              () -> {
                try {
                  waitFor();
                } catch (InterruptedException e) {
                  completion.completeExceptionally(e);
                } catch (RuntimeException e) {
                  completion.completeExceptionally(e);
                }
              },
              "sandbox4j-completion");
      t.setDaemon(true);
      t.start();
    }
    return completion;
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
