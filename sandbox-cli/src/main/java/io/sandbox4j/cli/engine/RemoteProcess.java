package io.sandbox4j.cli.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A process the engine's client forked and execs for the engine (SPAWN/STARTED), seen as a {@link
 * Process}: piped output arrives as OUTPUT frames, input leaves as INPUT frames, the exit status as
 * EXITED, and destroy sends KILL. {@link #toHandle()} is the real process (the client's child, same
 * user), so a launcher's descendant walk and kill work as for a local child.
 */
final class RemoteProcess extends Process {
  /** Sends a frame to the client. */
  interface Link {
    void send(int type, byte[] payload) throws IOException;
  }

  private final long pid;
  private final Link link;
  private final boolean stdinPiped;
  private final Chunks stdout;
  private final Chunks stderr;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  /**
   * Taken when STARTED arrives, before the client can have reported (and so reaped) the child: the
   * JDK's handle knows the process's start time, so a reused pid is never mistaken for it.
   */
  private final Optional<ProcessHandle> handle;

  RemoteProcess(long pid, Link link, boolean stdinPiped, boolean stdoutPiped, boolean stderrPiped) {
    this.pid = pid;
    this.handle = ProcessHandle.of(pid);
    this.link = link;
    this.stdinPiped = stdinPiped;
    this.stdout = new Chunks(!stdoutPiped);
    this.stderr = new Chunks(!stderrPiped);
  }

  /** OUTPUT: bytes of stream 1 or 2. */
  void output(int stream, byte[] data) {
    (stream == 1 ? stdout : stderr).add(data);
  }

  /** OUTPUT_EOF. */
  void outputEnd(int stream) {
    (stream == 1 ? stdout : stderr).end();
  }

  /** EXITED: the client reaped the child. */
  void exited(int code) {
    stdout.end();
    stderr.end();
    exit.complete(code);
  }

  boolean hasExited() {
    return exit.isDone();
  }

  /**
   * The connection ended before EXITED: no status will come. The process (the client's child) dies
   * with its parent; once it is gone it counts as killed (128 + SIGKILL).
   */
  void connectionLost() {
    stdout.end();
    stderr.end();
    if (handle.isEmpty()) {
      exit.complete(128 + 9);
    } else {
      handle.get().onExit().thenRun(() -> exit.complete(128 + 9));
    }
  }

  @Override
  public OutputStream getOutputStream() {
    return new OutputStream() {
      private boolean closed;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (!stdinPiped || closed) {
          throw new IOException("Stream closed");
        }
        for (int i = off; i < off + len; i += 65536) {
          byte[] part = java.util.Arrays.copyOfRange(b, i, Math.min(off + len, i + 65536));
          link.send(Frames.INPUT, new Frames.Writer().bytes(part).toByteArray());
        }
      }

      @Override
      public synchronized void close() throws IOException {
        if (stdinPiped && !closed && !exit.isDone()) {
          link.send(Frames.INPUT_EOF, new byte[0]);
        }
        closed = true;
      }
    };
  }

  @Override
  public InputStream getInputStream() {
    return stdout;
  }

  @Override
  public InputStream getErrorStream() {
    return stderr;
  }

  @Override
  public int waitFor() throws InterruptedException {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      exit.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public int exitValue() {
    if (!exit.isDone()) {
      throw new IllegalThreadStateException("process " + pid + " has not exited");
    }
    return exit.join();
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return exit.thenApply(code -> this);
  }

  /**
   * The real process (the JDK's handle, bound to its start time); a handle that is not alive and
   * has no descendants when the process had ended before STARTED was read.
   */
  @Override
  public ProcessHandle toHandle() {
    return handle.isPresent() ? handle.get() : new Gone(pid);
  }

  @Override
  public void destroy() {
    kill(15);
  }

  @Override
  public Process destroyForcibly() {
    kill(9);
    return this;
  }

  @Override
  public boolean supportsNormalTermination() {
    return true;
  }

  private void kill(int signo) {
    if (exit.isDone()) {
      return;
    }
    try {
      link.send(Frames.KILL, new Frames.Writer().u8(signo).toByteArray());
    } catch (IOException e) {
      // the client is gone, and its child with it (parent death signal)
    }
  }

  /** A piped stream fed by frames; empty and at its end for a stream that is not piped. */
  private static final class Chunks extends InputStream {
    private final Deque<byte[]> queue = new ArrayDeque<>();
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;

    Chunks(boolean ended) {
      this.ended = ended;
    }

    synchronized void add(byte[] data) {
      if (!ended && data.length > 0) {
        queue.add(data);
        notifyAll();
      }
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos == current.length) {
        byte[] next = queue.poll();
        if (next != null) {
          current = next;
          pos = 0;
        } else if (ended) {
          return -1;
        } else {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
          }
        }
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public synchronized int available() {
      return current.length - pos;
    }
  }

  /** A process that had ended before STARTED was read: nothing to kill, no descendants. */
  private record Gone(long pid) implements ProcessHandle {
    @Override
    public Optional<ProcessHandle> parent() {
      return Optional.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
      return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
      return Stream.empty();
    }

    @Override
    public Info info() {
      throw new UnsupportedOperationException("process " + pid + " has ended");
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public boolean supportsNormalTermination() {
      return true;
    }

    @Override
    public boolean destroy() {
      return false;
    }

    @Override
    public boolean destroyForcibly() {
      return false;
    }

    @Override
    public boolean isAlive() {
      return false;
    }

    @Override
    public int compareTo(ProcessHandle other) {
      return Long.compare(pid, other.pid());
    }
  }
}
