package io.sandbox4j.cli.engine;

import io.sandbox4j.api.spi.ProcessStarter;
import io.sandbox4j.cli.Caller;
import io.sandbox4j.cli.CliContext;
import io.sandbox4j.core.OutputListener;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.launcher.linux.UnixSocket;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection: the peer checks, then a {@code run} request served through the CLI's own
 * {@code run} command with this client as its {@link Caller} (the client forks the launcher and
 * receives what the CLI writes), or a STATUS/STOP request. Frames from the client are read on a
 * thread of their own while the run proceeds on the connection's thread.
 */
final class ClientSession implements Caller, Runnable {
  private static final int SIGKILL_EXIT = 128 + 9;

  private final EngineServer server;
  private final UnixSocket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Object sendLock = new Object();
  private final RequestTiming timing;
  private final CountDownLatch readerDone = new CountDownLatch(1);
  private volatile boolean readerStarted;

  /** How long a closing connection waits for its frame reader (shut down, it ends at once). */
  private static final long READER_BOUND_SECONDS = 10;

  private volatile long peerPid;
  private volatile boolean stderrTerminal;
  private volatile Path cwd;
  private volatile RemoteProcess child;
  private volatile CompletableFuture<RemoteProcess> pendingSpawn;
  private volatile int[] pendingModes;
  private volatile SandboxExecution execution;
  private volatile int signal;
  private volatile boolean gone;
  private volatile boolean finished;

  ClientSession(EngineServer server, UnixSocket socket, long acceptedNanos) {
    this.server = server;
    this.timing = new RequestTiming(acceptedNanos);
    this.socket = socket;
    this.in = socket.input();
    this.out = socket.output();
  }

  @Override
  public void run() {
    try {
      session();
    } finally {
      release();
    }
  }

  /**
   * Closes the connection once its frame reader is done with it. Closing while the reader is
   * between two reads would let its next read land on whatever connection the engine accepts next
   * under the same descriptor number (accept returns the lowest free one): it would steal that
   * client's frames, take them for protocol errors, and shut that connection down (seen once in
   * about 1,400 runs of two concurrent callers). Shut down first, which ends the reader's reads on
   * this socket; close after it returned.
   */
  private void release() {
    socket.shutdown();
    if (readerStarted) {
      boolean done;
      try {
        done = readerDone.await(READER_BOUND_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done = false;
      }
      if (!done) {
        // leaking one descriptor is better than handing this reader someone else's connection
        server.log("a frame reader did not end; its connection's descriptor is left open");
        return;
      }
    }
    socket.close();
  }

  private void session() {
    try {
      UnixSocket.PeerCredentials peer = socket.peer();
      if (peer.uid() != server.engineUid()) {
        server.log("refused a connection from uid " + peer.uid() + " (pid " + peer.pid() + ")");
        return; // no frame at all
      }
      Frames.Frame first = readFirst();
      if (first == null) {
        return;
      }
      timing.mark(RequestTiming.Phase.READ);
      String refusal = RequestChecks.peerRefusal(socket, peer.pid());
      switch (first.type()) {
        case Frames.REQUEST -> serve(peer, first, refusal);
        case Frames.STATUS, Frames.STOP -> {
          first.reader().end();
          if (refusal != null) {
            server.log("refused pid " + peer.pid() + ": " + refusal);
            reply(2, "sandbox: the engine refused: " + refusal + "\n", 125);
          } else if (first.type() == Frames.STATUS) {
            reply(1, server.status(), 0);
          } else {
            reply(1, server.stop() + "\n", 0);
          }
        }
        default ->
            throw new Frames.ProtocolException(
                "unexpected frame type 0x" + Integer.toHexString(first.type()) + " first");
      }
    } catch (Frames.ProtocolException e) {
      server.log("protocol error: " + e.getMessage());
      abandon();
    } catch (IOException | RuntimeException e) {
      server.log("connection failed: " + e);
      abandon();
    }
  }

  /**
   * The first frame, or null at end of file or when it did not arrive within the engine's bound: a
   * connection that never sends one would hold this thread, and delay idle exit and STOP, forever.
   */
  private Frames.Frame readFirst() throws IOException {
    AtomicBoolean settled = new AtomicBoolean();
    // the socket is shut only while this thread has not yet taken it back (one lock on both sides)
    ScheduledFuture<?> watch =
        server.schedule(
            () -> {
              synchronized (settled) {
                if (settled.compareAndSet(false, true)) {
                  socket.shutdown();
                }
              }
            },
            server.firstFrameBound());
    Frames.Frame first;
    try {
      first = Frames.read(in);
    } catch (IOException e) {
      if (timedOut(settled, watch)) {
        return null;
      }
      throw e;
    }
    return timedOut(settled, watch) ? null : first;
  }

  private boolean timedOut(AtomicBoolean settled, ScheduledFuture<?> watch) {
    watch.cancel(false);
    synchronized (settled) {
      if (settled.compareAndSet(false, true)) {
        return false;
      }
    }
    server.log(
        "no first frame within " + server.firstFrameBound().toMillis() + " ms: connection closed");
    return true;
  }

  private void reply(int fd, String text, int code) throws IOException {
    send(Frames.WRITE, new Frames.Writer().u8(fd).bytes(utf8(text)).toByteArray());
    send(Frames.EXIT, new Frames.Writer().i32(code).toByteArray());
  }

  private void serve(UnixSocket.PeerCredentials peer, Frames.Frame frame, String peerRefusal)
      throws IOException {
    Frames.Reader r = frame.reader();
    int version = r.i32();
    byte[] cwdBytes = r.bytes();
    List<byte[]> argBytes = r.list();
    List<byte[]> envBytes = r.list();
    int flags = r.i32();
    int clientPid = r.i32();
    r.end();
    RequestChecks.Decoded request;
    String refusal = peerRefusal;
    if (refusal == null) {
      refusal = RequestChecks.cgroupRefusal(peer.pid());
    }
    if (refusal == null) {
      refusal = server.checks().refusal(version, cwdBytes, argBytes, envBytes);
    }
    if (refusal == null && clientPid != peer.pid()) {
      refusal = "the request's pid is not the peer's";
      server.log("request pid " + clientPid + ", peer pid " + peer.pid());
    }
    if (refusal != null) {
      server.log("fallback for pid " + peer.pid() + ": " + refusal);
      send(Frames.FALLBACK, new Frames.Writer().bytes(utf8(refusal)).toByteArray());
      return;
    }
    request = RequestChecks.decode(cwdBytes, argBytes, envBytes);
    timing.mark(RequestTiming.Phase.CHECKED);
    stderrTerminal = (flags & 4) != 0;
    peerPid = peer.pid();
    cwd = request.cwd();
    server.runStarted();
    String readerName = "sandbox4j-engine-client-" + peer.pid();
    readerStarted = true;
    server.execute(
        () -> {
          Thread.currentThread().setName(readerName);
          try {
            readFrames();
          } finally {
            readerDone.countDown();
            Thread.currentThread().setName("sandbox4j-engine-worker");
          }
        });
    int code = -1;
    long begun = System.nanoTime();
    try {
      CliContext context =
          new CliContext(
              CliContext.callerEnvironment(request.environment()),
              request.cwd(),
              server::sandbox,
              this);
      String[] args = request.args().toArray(new String[0]);
      PrintWriter stdout = writer(1);
      PrintWriter stderr = writer(2);
      timing.mark(RequestTiming.Phase.CLI);
      code =
          RunLogRelay.during(
              stderr, () -> server.runLines().execute(context, args, stdout, stderr));
      timing.mark(RequestTiming.Phase.DONE);
      stdout.flush();
      stderr.flush();
      if (signal != 0) {
        code = 128 + signal;
      }
    } finally {
      finished = true;
      server.runEnded();
      server.log(
          "served a run for pid "
              + peer.pid()
              + " in "
              + (System.nanoTime() - begun) / 1_000_000
              + " ms, exit "
              + code);
    }
    if (!gone) {
      send(Frames.EXIT, new Frames.Writer().i32(code & 0xff).toByteArray());
    }
    timing.mark(RequestTiming.Phase.EXIT);
    String line = timing.line();
    if (line != null) {
      server.log(line);
    }
  }

  /** The client's frames while a run is served. */
  private void readFrames() {
    try {
      while (true) {
        Frames.Frame f = Frames.read(in);
        if (f == null) {
          if (!finished) {
            server.log("the client went away during a run: killing its tree");
          }
          abandon();
          return;
        }
        dispatch(f);
      }
    } catch (IOException e) {
      if (!finished) {
        server.log("protocol error during a run: " + e.getMessage());
      }
      abandon();
      socket.shutdown();
    }
  }

  private void dispatch(Frames.Frame f) throws IOException {
    Frames.Reader r = f.reader();
    RemoteProcess p = child;
    switch (f.type()) {
      case Frames.STARTED -> {
        int pid = r.i32();
        r.end();
        CompletableFuture<RemoteProcess> pending = pendingSpawn;
        if (pending == null) {
          throw new Frames.ProtocolException("STARTED without a SPAWN");
        }
        int[] m = pendingModes;
        RemoteProcess started = new RemoteProcess(pid, this::send, m[0] == 1, m[1] == 1, m[2] == 1);
        child = started;
        pendingSpawn = null;
        timing.mark(RequestTiming.Phase.STARTED);
        pending.complete(started);
      }
      case Frames.SPAWN_FAILED -> {
        int errno = r.i32();
        String message = new String(r.bytes(), StandardCharsets.UTF_8);
        r.end();
        CompletableFuture<RemoteProcess> pending = pendingSpawn;
        if (pending == null) {
          throw new Frames.ProtocolException("SPAWN_FAILED without a SPAWN");
        }
        pendingSpawn = null;
        pending.completeExceptionally(new IOException("error=" + errno + ", " + message));
      }
      case Frames.OUTPUT -> {
        int stream = r.u8();
        byte[] data = r.bytes();
        r.end();
        requireChild(p, stream).output(stream, data);
      }
      case Frames.OUTPUT_EOF -> {
        int stream = r.u8();
        r.end();
        requireChild(p, stream).outputEnd(stream);
      }
      case Frames.EXITED -> {
        int code = r.i32();
        r.end();
        if (p == null || p.hasExited()) {
          throw new Frames.ProtocolException("EXITED without a running child");
        }
        timing.mark(RequestTiming.Phase.EXITED);
        p.exited(code);
      }
      case Frames.SIGNAL -> {
        int signo = r.u8();
        r.end();
        onSignal(signo);
      }
      default ->
          throw new Frames.ProtocolException(
              "frame type 0x" + Integer.toHexString(f.type()) + " is not allowed during a run");
    }
  }

  private static RemoteProcess requireChild(RemoteProcess p, int stream)
      throws Frames.ProtocolException {
    if (p == null || (stream != 1 && stream != 2)) {
      throw new Frames.ProtocolException("OUTPUT without a child or for stream " + stream);
    }
    return p;
  }

  /** SIGINT, SIGTERM, SIGHUP, SIGQUIT: what the in-JVM CLI's shutdown hook does, kill the tree. */
  private void onSignal(int signo) throws Frames.ProtocolException {
    if (signo != 1 && signo != 2 && signo != 3 && signo != 15) {
      throw new Frames.ProtocolException("SIGNAL " + signo + " is not one the client forwards");
    }
    if (signal == 0) {
      signal = signo;
    }
    server.log("signal " + signo + " from the client: killing its run");
    SandboxExecution e = execution;
    if (e != null) {
      e.kill();
    }
  }

  /** The connection ended or broke: kill the run's tree (if any); the run ends by itself. */
  private void abandon() {
    if (gone) {
      return;
    }
    gone = true;
    CompletableFuture<RemoteProcess> pending = pendingSpawn;
    if (pending != null) {
      pending.completeExceptionally(new IOException("the engine's client went away"));
    }
    RemoteProcess p = child;
    if (p != null) {
      p.connectionLost();
    }
    SandboxExecution e = execution;
    if (e != null && !finished) {
      e.kill();
    }
  }

  void send(int type, byte[] payload) throws IOException {
    synchronized (sendLock) {
      if (gone) {
        throw new IOException("the engine's client went away");
      }
      Frames.write(out, type, payload);
    }
  }

  /** What the CLI writes to {@code fd}, as WRITE frames; lost silently once the client is gone. */
  private PrintWriter writer(int fd) {
    OutputStream frames =
        Frames.stream(
            data -> send(Frames.WRITE, new Frames.Writer().u8(fd).bytes(data).toByteArray()));
    return new PrintWriter(new OutputStreamWriter(frames, StandardCharsets.UTF_8), true);
  }

  // --- Caller: the client starts the launcher, owns the streams ---

  @Override
  public ProcessStarter starter() {
    return new ProcessStarter() {
      @Override
      public Process start(ProcessBuilder builder) throws IOException {
        return spawn(builder);
      }

      @Override
      public Path inheritedDescriptors() {
        return Path.of("/proc", Long.toString(clientPid()), "fd");
      }
    };
  }

  private long clientPid() {
    return peerPid;
  }

  @Override
  public boolean stderrIsTerminal() {
    return stderrTerminal;
  }

  @Override
  public OutputListener stderr() {
    return new OutputListener() {
      @Override
      public void stderr(byte[] chunk) {
        try {
          send(Frames.WRITE, new Frames.Writer().u8(2).bytes(chunk).toByteArray());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  @Override
  public void started(SandboxExecution e) {
    execution = e;
    if (signal != 0 || gone) {
      e.kill();
    }
  }

  private Process spawn(ProcessBuilder pb) throws IOException {
    if (gone) {
      throw new IOException("the engine's client went away");
    }
    if (signal != 0) {
      throw new IOException("interrupted by signal " + signal);
    }
    RemoteProcess p = child;
    if (p != null && p.isAlive()) {
      throw new IOException("the engine's client runs one process at a time");
    }
    if (pb.directory() != null && !pb.directory().toPath().equals(cwd)) {
      throw new IOException(
          "the engine's client starts processes in its own directory, not in " + pb.directory());
    }
    List<String> argv = new ArrayList<>(pb.command());
    argv.set(0, executable(argv.get(0)));
    int[] modes = {
      mode(pb.redirectInput(), true),
      mode(pb.redirectOutput(), false),
      mode(pb.redirectErrorStream() ? null : pb.redirectError(), false)
    };
    List<byte[]> env = new ArrayList<>();
    for (Map.Entry<String, String> e : pb.environment().entrySet()) {
      env.add(utf8(e.getKey() + "=" + e.getValue()));
    }
    CompletableFuture<RemoteProcess> started = new CompletableFuture<>();
    pendingModes = modes;
    pendingSpawn = started;
    timing.mark(RequestTiming.Phase.SPAWN);
    send(
        Frames.SPAWN,
        new Frames.Writer()
            .list(argv.stream().map(ClientSession::utf8).toList())
            .list(env)
            .u8(modes[0])
            .u8(modes[1])
            .u8(modes[2])
            .toByteArray());
    try {
      return started.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the client started " + argv.get(0));
    } catch (ExecutionException e) {
      throw new IOException(
          "Cannot run program \"" + argv.get(0) + "\": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** SPAWN's mode for a redirect: 0 inherit, 1 pipe, 2 /dev/null. */
  private static int mode(Redirect r, boolean input) throws IOException {
    if (r == null) {
      throw new IOException("the engine's client cannot merge standard error into output");
    }
    if (r.type() == Redirect.Type.INHERIT) {
      return 0;
    }
    if (r.type() == Redirect.Type.PIPE) {
      return 1;
    }
    File f = r.file();
    if (f != null
        && f.getPath().equals("/dev/null")
        && (input ? r.type() == Redirect.Type.READ : r.type() != Redirect.Type.READ)) {
      return 2;
    }
    throw new IOException("the engine's client cannot redirect a stream to " + r);
  }

  /** SPAWN execs without a PATH search: a bare name is looked up as ProcessBuilder would. */
  private String executable(String name) throws IOException {
    if (name.contains("/")) {
      return cwd.resolve(name).toString();
    }
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(":")) {
      Path p = cwd.resolve(dir).resolve(name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IOException(
        "Cannot run program \"" + name + "\": error=2, No such file or directory");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
