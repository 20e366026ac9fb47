package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;

/**
 * An AF_UNIX stream socket through libc (JNA), for the CLI's warm engine: the JDK's unix channels
 * give the peer's user but not its pid, and the engine checks the peer process (SO_PEERCRED). Linux
 * only. Reads and writes block the calling thread; {@link #shutdown()} wakes them.
 */
@API(status = INTERNAL, since = "0.2")
public final class UnixSocket implements Closeable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_STREAM = 1;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_PEERCRED = 17;
  private static final int SO_PEERPIDFD = 77;
  private static final long SYS_PIDFD_SEND_SIGNAL = 424; // the same number on every architecture
  private static final int SHUT_RDWR = 2;
  private static final int EINTR = 4;
  private static final int SUN_PATH = 108;

  /** libc, loaded on first use. */
  private interface LibC extends Library {
    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] addr, int len) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int accept4(int fd, Pointer addr, Pointer len, int flags) throws LastErrorException;

    int connect(int fd, byte[] addr, int len) throws LastErrorException;

    int getsockopt(int fd, int level, int name, byte[] value, IntByReference len)
        throws LastErrorException;

    long read(int fd, byte[] buf, long count) throws LastErrorException;

    long write(int fd, byte[] buf, long count) throws LastErrorException;

    int shutdown(int fd, int how) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int open(String path, int flags, int mode) throws LastErrorException;

    int flock(int fd, int operation) throws LastErrorException;

    long syscall(long number, int fd, int sig, Pointer info, int flags) throws LastErrorException;
  }

  // O_NOFOLLOW: a link in the lock file's place is an error (ELOOP), never followed
  private static final int O_WRONLY_CREAT_CLOEXEC = 01 | 0100 | 02000000 | 0400000;
  private static final int LOCK_EX_NB = 2 | 4;
  private static final int EWOULDBLOCK = 11;

  /**
   * Takes an exclusive {@code flock} on {@code file} (created 0600 if missing) without waiting: the
   * lock, held until closed, or empty when another open file holds it.
   */
  public static java.util.Optional<Closeable> tryLock(Path file) throws IOException {
    int fd =
        call(() -> Holder.LIBC.open(file.toString(), O_WRONLY_CREAT_CLOEXEC, 0600), "open " + file);
    try {
      Holder.LIBC.flock(fd, LOCK_EX_NB);
    } catch (LastErrorException e) {
      Holder.LIBC.close(fd);
      if (e.getErrorCode() == EWOULDBLOCK) {
        return java.util.Optional.empty();
      }
      throw new IOException("flock " + file + ": " + e.getMessage(), e);
    }
    return java.util.Optional.of(() -> Holder.LIBC.close(fd));
  }

  private static final class Holder {
    static final LibC LIBC = Native.load("c", LibC.class);
  }

  /** The peer's process, user and group at connect time (SO_PEERCRED). */
  public record PeerCredentials(int pid, int uid, int gid) {}

  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UnixSocket(int fd) {
    this.fd = fd;
  }

  /** A socket listening at {@code path} (which must not exist). */
  public static UnixSocket listen(Path path, int backlog) throws IOException {
    int fd = call(() -> Holder.LIBC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
    UnixSocket s = new UnixSocket(fd);
    try {
      byte[] addr = address(path);
      call(() -> Holder.LIBC.bind(fd, addr, addr.length), "bind " + path);
      call(() -> Holder.LIBC.listen(fd, backlog), "listen");
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** A socket connected to {@code path}. */
  public static UnixSocket connect(Path path) throws IOException {
    int fd = call(() -> Holder.LIBC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
    UnixSocket s = new UnixSocket(fd);
    try {
      byte[] addr = address(path);
      call(() -> Holder.LIBC.connect(fd, addr, addr.length), "connect " + path);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The next connection; fails once {@link #shutdown()} or {@link #close()} was called. */
  public UnixSocket accept() throws IOException {
    while (true) {
      try {
        return new UnixSocket(Holder.LIBC.accept4(fd, null, null, SOCK_CLOEXEC));
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR || closed.get()) {
          throw new IOException("accept: " + e.getMessage(), e);
        }
      }
    }
  }

  /** The connected peer's credentials. */
  public PeerCredentials peer() throws IOException {
    byte[] cred = new byte[12];
    IntByReference len = new IntByReference(cred.length);
    call(() -> Holder.LIBC.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, len), "SO_PEERCRED");
    ByteBuffer b = ByteBuffer.wrap(cred).order(ByteOrder.nativeOrder());
    return new PeerCredentials(b.getInt(), b.getInt(), b.getInt());
  }

  /**
   * The peer's process itself (SO_PEERPIDFD, Linux 6.5+), not its pid number: a pid read from
   * SO_PEERCRED names another process once the peer has ended and its pid was reused.
   */
  public PeerProcess peerProcess() throws IOException {
    byte[] value = new byte[4];
    IntByReference len = new IntByReference(value.length);
    call(() -> Holder.LIBC.getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, value, len), "SO_PEERPIDFD");
    return new PeerProcess(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt());
  }

  /** A pidfd for the process that connected; close it when done. */
  public static final class PeerProcess implements Closeable {
    private final int pidfd;

    private PeerProcess(int pidfd) {
      this.pidfd = pidfd;
    }

    /**
     * Whether the process that connected has not been reaped yet (signal 0 through its pidfd):
     * while it is, its pid names it and nothing else, so what /proc said about that pid was about
     * it.
     */
    public boolean alive() {
      try {
        Holder.LIBC.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, 0, null, 0);
        return true;
      } catch (LastErrorException e) {
        return false;
      }
    }

    @Override
    public void close() {
      try {
        Holder.LIBC.close(pidfd);
      } catch (LastErrorException e) {
        // released either way
      }
    }
  }

  /** Reads what arrives; -1 at end of file. */
  public InputStream input() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        byte[] buf = off == 0 ? b : new byte[len];
        long n;
        while (true) {
          try {
            n = Holder.LIBC.read(fd, buf, len);
            break;
          } catch (LastErrorException e) {
            if (e.getErrorCode() != EINTR) {
              throw new IOException("read: " + e.getMessage(), e);
            }
          }
        }
        if (n == 0) {
          return -1;
        }
        if (buf != b) {
          System.arraycopy(buf, 0, b, off, (int) n);
        }
        return (int) n;
      }
    };
  }

  /** Writes everything it is given before returning. */
  public OutputStream output() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        byte[] rest =
            off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
        while (rest.length > 0) {
          long n;
          try {
            n = Holder.LIBC.write(fd, rest, rest.length);
          } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR) {
              continue;
            }
            throw new IOException("write: " + e.getMessage(), e);
          }
          rest = java.util.Arrays.copyOfRange(rest, (int) n, rest.length);
        }
      }
    };
  }

  /** Ends both directions: blocked reads and accepts return. */
  public void shutdown() {
    try {
      Holder.LIBC.shutdown(fd, SHUT_RDWR);
    } catch (LastErrorException e) {
      // not connected (a listening socket on some kernels) or already shut: nothing to wake
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      shutdown();
      try {
        Holder.LIBC.close(fd);
      } catch (LastErrorException e) {
        // the descriptor is released either way
      }
    }
  }

  private static byte[] address(Path path) throws IOException {
    byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
    if (p.length >= SUN_PATH) {
      throw new IOException(
          "the socket path " + path + " is longer than " + (SUN_PATH - 1) + " bytes");
    }
    byte[] addr = new byte[2 + SUN_PATH];
    ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).putShort((short) AF_UNIX);
    System.arraycopy(p, 0, addr, 2, p.length);
    return addr;
  }

  private interface Call {
    int run() throws LastErrorException;
  }

  private static int call(Call c, String what) throws IOException {
    try {
      return c.run();
    } catch (LastErrorException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
  }
}
