package io.sandbox4j.cli.engine;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.launcher.linux.UnixSocket;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The warm engine: one {@link Sandbox} created (and probed) once, a private unix socket, a pooled
 * thread per connection. It holds an exclusive lock on the lock file while it runs, logs to the log
 * file, and ends on STOP, or after {@code idle} without a connection or run.
 */
final class EngineServer {
  /** How long a stopping engine waits for the connections it serves to end. */
  static final Duration STOP_BOUND = Duration.ofSeconds(30);

  /** How long a connection may take to send its first frame before it is closed. */
  static final Duration FIRST_FRAME_BOUND = Duration.ofSeconds(10);

  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(daemonThreads("sandbox4j-engine-timer"));
  private volatile Duration firstFrameBound = FIRST_FRAME_BOUND;
  private final EngineLocation location;
  private final Duration idle;
  private final RequestChecks checks;
  private final Supplier<Sandbox> sandboxFactory;
  private final Instant started = Instant.now();
  private final int engineUid = uid();
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong served = new AtomicLong();
  private final RunLines runLines = new RunLines();

  /**
   * The connections' threads and their frame readers: kept for a minute after use, so that a warm
   * request does not pay for starting two threads.
   */
  private final ExecutorService workers =
      Executors.newCachedThreadPool(daemonThreads("sandbox4j-engine-worker"));

  private volatile long lastActivityNanos = System.nanoTime();
  private volatile boolean stopping;
  private volatile String stopReason = "";
  private Closeable lock;
  private UnixSocket listener;
  private PrintWriter logFile;
  private Sandbox sandbox;
  private RunLogRelay logRelay;
  private volatile Supplier<Sandbox> perRun;

  EngineServer(
      EngineLocation location,
      Duration idle,
      RequestChecks checks,
      Supplier<Sandbox> sandboxFactory) {
    this.location = location;
    this.idle = idle;
    this.checks = checks;
    this.sandboxFactory = sandboxFactory;
  }

  /** This process's user id. */
  static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      throw SandboxException.cannotSandbox("cannot read this process's uid: " + e.getMessage(), e);
    }
  }

  /**
   * Takes the lock and opens the socket; false when another engine holds the lock.
   *
   * @throws SandboxException (exit 125) when the directory, log or socket cannot be set up
   */
  boolean open() {
    location.prepare();
    try {
      Optional<Closeable> held = UnixSocket.tryLock(location.lock());
      if (held.isEmpty()) {
        return false;
      }
      lock = held.get();
      // truncated in place: a detached engine's standard error (JVM and backend warnings) is
      // this file too, opened by `engine start` before this process ran
      createPrivateFile(location.log());
      logFile =
          new PrintWriter(
              new java.io.BufferedWriter(
                  new java.io.OutputStreamWriter(
                      Files.newOutputStream(
                          location.log(),
                          StandardOpenOption.WRITE,
                          StandardOpenOption.TRUNCATE_EXISTING,
                          LinkOption.NOFOLLOW_LINKS),
                      StandardCharsets.UTF_8)),
              true);
      // a socket file left by an engine that died: the lock says nobody serves it
      Files.deleteIfExists(location.socket());
      sandbox = sandboxFactory.get();
      warm(sandbox);
      runLines.prepare();
      listener = UnixSocket.listen(location.socket(), 64);
      logRelay = RunLogRelay.install();
    } catch (IOException e) {
      close();
      throw SandboxException.cannotSandbox(
          "cannot start the engine in " + location.directory() + ": " + e.getMessage(), e);
    }
    log("engine " + ProcessHandle.current().pid() + " serving " + location.socket());
    return true;
  }

  /**
   * Creates {@code file} owner-only (0600), or makes an existing regular file so. Anything else in
   * its place (a link a sandboxed command that could write the directory left there) is removed,
   * never followed.
   */
  static void createPrivateFile(Path file) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(file);
    }
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setPermissions(PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** Probes the backends once, as the first run would. */
  private void warm(Sandbox s) {
    try {
      s.plan(SandboxPolicy.defaults(Path.of(System.getProperty("java.io.tmpdir"))), List.of());
    } catch (RuntimeException e) {
      log("warm-up plan: " + e.getMessage());
    }
  }

  /** Serves until stopped or idle; then waits (bounded) for the connections, and cleans up. */
  void serve() {
    daemonThreads("sandbox4j-engine-idle").newThread(this::watchIdle).start();
    try {
      while (!stopping) {
        UnixSocket connection;
        try {
          connection = listener.accept();
        } catch (IOException e) {
          if (!stopping) {
            log("accept failed: " + e.getMessage());
            stopping = true;
            stopReason = "accept failed";
          }
          break;
        }
        long accepted = System.nanoTime();
        touch();
        sessions.incrementAndGet();
        workers.execute(
            () -> {
              try {
                Thread.currentThread().setName("sandbox4j-engine-connection");
                new ClientSession(this, connection, accepted).run();
              } finally {
                sessions.decrementAndGet();
                touch();
                Thread.currentThread().setName("sandbox4j-engine-worker");
              }
            });
      }
      waitForSessions();
    } finally {
      log("engine stopped: " + stopReason);
      close();
    }
  }

  private void waitForSessions() {
    long deadline = System.nanoTime() + STOP_BOUND.toNanos();
    while (sessions.get() > 0 && System.nanoTime() < deadline) {
      sleep(20);
    }
  }

  private void watchIdle() {
    while (!stopping) {
      sleep(Math.min(250, Math.max(10, idle.toMillis() / 4)));
      if (idle.isZero() || running.get() > 0 || sessions.get() > 0) {
        continue;
      }
      if (System.nanoTime() - lastActivityNanos >= idle.toNanos()) {
        beginStop("idle for " + idle.toSeconds() + " s");
      }
    }
  }

  /** Daemon threads named {@code name}: they never keep the engine's JVM alive. */
  private static ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void beginStop(String reason) {
    if (!stopping) {
      stopping = true;
      stopReason = reason;
      try {
        // no new connections from here on
        Files.deleteIfExists(location.socket());
      } catch (IOException e) {
        log("cannot remove " + location.socket() + ": " + e.getMessage());
      }
      listener.shutdown();
    }
  }

  /** STOP: stops accepting and waits (bounded) for the running runs; says what it did. */
  String stop() {
    int runs = running.get();
    beginStop("stopped on request");
    long deadline = System.nanoTime() + STOP_BOUND.toNanos();
    while (running.get() > 0 && System.nanoTime() < deadline) {
      sleep(20);
    }
    int left = running.get();
    return "sandbox: the engine (pid "
        + ProcessHandle.current().pid()
        + ") stopped"
        + (runs == 0 ? "" : " after waiting for " + runs + " running run(s)")
        + (left == 0 ? "" : "; " + left + " run(s) still running are killed as it exits");
  }

  String status() {
    long up = Duration.between(started, Instant.now()).toSeconds();
    long idleFor = (System.nanoTime() - lastActivityNanos) / 1_000_000_000L;
    String idleLeft =
        idle.isZero()
            ? "no idle exit"
            : running.get() > 0
                ? "idle exit " + idle.toSeconds() + " s after the last run"
                : "idle exit in " + Math.max(0, idle.toSeconds() - idleFor) + " s";
    return "pid: "
        + ProcessHandle.current().pid()
        + "\nuptime: "
        + up
        + " s\nruns served: "
        + served.get()
        + "\nrunning: "
        + running.get()
        + "\n"
        + idleLeft
        + "\nsocket: "
        + location.socket()
        + "\nlog: "
        + location.log()
        + "\n";
  }

  void runStarted() {
    running.incrementAndGet();
    touch();
  }

  void runEnded() {
    served.incrementAndGet();
    running.decrementAndGet();
    touch();
    if (checks.installationChanged()) {
      beginStop("the installation changed");
    }
  }

  private void touch() {
    lastActivityNanos = System.nanoTime();
  }

  Duration firstFrameBound() {
    return firstFrameBound;
  }

  /** For tests: a shorter bound than {@link #FIRST_FRAME_BOUND}. */
  void firstFrameBound(Duration bound) {
    firstFrameBound = bound;
  }

  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  int engineUid() {
    return engineUid;
  }

  RequestChecks checks() {
    return checks;
  }

  RunLines runLines() {
    return runLines;
  }

  /** Runs {@code task} on a pooled engine thread. */
  void execute(Runnable task) {
    workers.execute(task);
  }

  Sandbox sandbox() {
    Supplier<Sandbox> s = perRun;
    return s != null ? s.get() : sandbox;
  }

  /**
   * For an engine inside a test JVM: each run takes its Sandbox from {@code s}, as the in-JVM path
   * of the same test does from its CliContext, instead of the one made at {@link #open()}.
   */
  void sandboxPerRun(Supplier<Sandbox> s) {
    perRun = s;
  }

  boolean isStopping() {
    return stopping;
  }

  synchronized void log(String line) {
    if (logFile != null) {
      logFile.println(Instant.now() + " " + line);
    }
  }

  private synchronized void close() {
    timers.shutdownNow();
    if (logRelay != null) {
      logRelay.remove();
      logRelay = null;
    }
    workers.shutdown();
    if (listener != null) {
      listener.close();
      listener = null;
      try {
        Files.deleteIfExists(location.socket());
      } catch (IOException e) {
        // the lock, released below, tells the next engine that this socket is stale
      }
    }
    if (logFile != null) {
      logFile.close();
      logFile = null;
    }
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException e) {
        // released with the process anyway
      }
      lock = null;
    }
  }
}
