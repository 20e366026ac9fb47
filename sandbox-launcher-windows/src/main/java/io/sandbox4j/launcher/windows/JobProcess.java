package io.sandbox4j.launcher.windows;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.sandbox4j.api.spi.SandboxProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command running in a job object. The exit code is the command's own (GetExitCodeProcess). When
 * the command ends, the rest of its tree is terminated with the job and everything the run owns
 * (job, completion port, WFP session, desktop, private temp directory, the stdin pipe) is released,
 * once. The stdout/stderr pipes stay readable until end of stream or close(), as with
 * java.lang.Process.
 */
final class JobProcess implements SandboxProcess {
  private final Kernel32 k32;
  private final Win32Libraries.Kernel32Ext k32x;
  private final HANDLE process;
  private final long pid;
  private final HANDLE job;
  private final HANDLE port;
  private final InputStream stdout;
  private final InputStream stderr;
  private final OutputStream stdin;
  private final Releases owned;
  private static final System.Logger LOG = System.getLogger(JobProcess.class.getName());

  private final Object lock = new Object();
  private final List<String> warnings = new ArrayList<>();
  private boolean released;
  private Integer exitCode;

  JobProcess(
      Kernel32 k32,
      Win32Libraries.Kernel32Ext k32x,
      HANDLE process,
      long pid,
      JobObject job,
      Stdio stdio,
      Releases owned) {
    this.k32 = k32;
    this.k32x = k32x;
    this.process = process;
    this.pid = pid;
    this.job = job.job();
    this.port = job.completionPort();
    this.owned = owned;
    this.stdin =
        stdio.parentIn() == null
            ? OutputStream.nullOutputStream()
            : new HandleOut(stdio.parentIn());
    this.stdout =
        stdio.parentOut() == null ? InputStream.nullInputStream() : new HandleIn(stdio.parentOut());
    this.stderr =
        stdio.parentErr() == null ? InputStream.nullInputStream() : new HandleIn(stdio.parentErr());
  }

  /**
   * Waits until the job reports JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO on its completion port (every
   * process of the tree has ended), at most {@code timeoutMs}. Job messages are best effort, so a
   * timeout is not an error: closing the job handle afterwards still kills whatever is left.
   */
  private boolean awaitJobEmpty(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    IntByReference message = new IntByReference();
    com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference key =
        new com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference();
    com.sun.jna.ptr.PointerByReference overlapped = new com.sun.jna.ptr.PointerByReference();
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      if (!k32.GetQueuedCompletionStatus(port, message, key, overlapped, (int) left)) {
        return false;
      }
      if (message.getValue() == Win32Constants.JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) {
        return true;
      }
    }
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public InputStream stderr() {
    return stderr;
  }

  @Override
  public int waitFor() throws InterruptedException {
    while (!waitFor(1, TimeUnit.SECONDS)) {
      // poll so that an interrupt is noticed
    }
    return exitCode;
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      synchronized (lock) {
        if (exitCode != null) {
          return true;
        }
      }
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      int slice = (int) Math.max(0, Math.min(leftMs, 100));
      int rc = k32.WaitForSingleObject(process, slice);
      if (rc == Win32Constants.WAIT_OBJECT_0) {
        finish();
        return true;
      }
      if (rc != Win32Constants.WAIT_TIMEOUT) {
        throw new IllegalStateException(
            "WaitForSingleObject failed: error " + Native.getLastError());
      }
      if (leftMs <= 0) {
        return false;
      }
    }
  }

  private void finish() {
    synchronized (lock) {
      if (exitCode != null) {
        return;
      }
      IntByReference code = new IntByReference();
      if (!k32.GetExitCodeProcess(process, code)) {
        throw new IllegalStateException(
            "GetExitCodeProcess failed: error " + Native.getLastError());
      }
      exitCode = code.getValue();
      // Descendants must not outlive the run: end the whole job, wait until it is empty, then
      // free what the run owns (closing the job handle kills anything still left).
      k32x.TerminateJobObject(job, exitCode);
      awaitJobEmpty(5_000);
      release();
    }
  }

  @Override
  public boolean isAlive() {
    synchronized (lock) {
      if (exitCode != null) {
        return false;
      }
    }
    return k32.WaitForSingleObject(process, 0) == Win32Constants.WAIT_TIMEOUT;
  }

  @Override
  public void killTree() {
    synchronized (lock) {
      if (released) {
        return;
      }
      if (!k32x.TerminateJobObject(job, 1)) {
        // The job handle is still ours: closing it kills every process (KILL_ON_JOB_CLOSE).
        release();
        return;
      }
    }
    try {
      waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void release() {
    synchronized (lock) {
      if (!released) {
        released = true;
        try {
          stdin.close();
        } catch (IOException e) {
          // closing a pipe handle does not fail in a way that leaves it open
        }
        warnings.addAll(releaseAfterEnd(owned));
      }
    }
  }

  /**
   * Frees what the run owned once the command has ended; a failure (typically the private temp
   * directory, kept by antivirus or a delete-pending file) is logged as a warning and returned,
   * never thrown: waitFor() reports the command's exit code, not its clean-up.
   */
  static List<String> releaseAfterEnd(Releases owned) {
    List<String> warnings = owned.runAllAsWarnings();
    for (String w : warnings) {
      LOG.log(System.Logger.Level.WARNING, "sandbox4j: clean-up after the command: " + w);
    }
    return warnings;
  }

  /** The clean-up warnings of this run so far (empty while it runs). */
  List<String> warnings() {
    synchronized (lock) {
      return List.copyOf(warnings);
    }
  }

  /**
   * Reads a pipe handle with ReadFile; end of stream when every writer in the job has closed its
   * end. The handle is closed at end of stream or on close(), whichever comes first.
   */
  private final class HandleIn extends InputStream {
    private final HANDLE h;
    private boolean closed;

    HandleIn(HANDLE h) {
      this.h = h;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        k32.CloseHandle(h);
      }
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      int n = read(b, 0, 1);
      return n < 0 ? -1 : b[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (closed) {
        return -1;
      }
      byte[] buf = new byte[Math.min(len, 65536)];
      IntByReference read = new IntByReference();
      if (!k32.ReadFile(h, buf, buf.length, read, null)) {
        int err = Native.getLastError();
        if (err == com.sun.jna.platform.win32.WinError.ERROR_BROKEN_PIPE) {
          close();
          return -1;
        }
        throw new IOException("ReadFile failed: error " + err);
      }
      if (read.getValue() == 0) {
        close();
        return -1;
      }
      System.arraycopy(buf, 0, b, off, read.getValue());
      return read.getValue();
    }
  }

  /** Writes a pipe handle with WriteFile; close() closes the handle so the child sees EOF. */
  private final class HandleOut extends OutputStream {
    private final HANDLE h;
    private boolean closed;

    HandleOut(HANDLE h) {
      this.h = h;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("stdin is closed");
      }
      byte[] chunk = java.util.Arrays.copyOfRange(b, off, off + len);
      IntByReference written = new IntByReference();
      if (!k32.WriteFile(h, chunk, chunk.length, written, null)
          || written.getValue() != chunk.length) {
        throw new IOException("WriteFile failed: error " + Native.getLastError());
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        k32.CloseHandle(h);
      }
    }
  }
}
