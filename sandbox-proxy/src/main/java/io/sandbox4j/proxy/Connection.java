package io.sandbox4j.proxy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection: sniffs the protocol from the first byte, lets the protocol name a
 * destination, decides, connects and relays. Blocking I/O on its own thread (and a second thread
 * for the way back once a tunnel is up); the proxy's watchdog closes it when a deadline passes,
 * which wakes any blocked read.
 */
final class Connection implements Runnable {
  static final int RELAY_BUFFER = 64 * 1024;

  /**
   * One direct relay buffer per worker thread, for the thread's life: a buffer per tunnel would
   * only be freed by a garbage collection, which a proxy that allocates little rarely triggers.
   */
  private static final ThreadLocal<ByteBuffer> RELAY =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RELAY_BUFFER));

  static final long LINGER_BYTES = 256 * 1024;

  private final NetworkProxy runtime;
  private final SocketChannel client;
  private volatile SocketChannel upstream;

  /** System.nanoTime() after which the watchdog closes this connection. */
  private volatile long deadline;

  private volatile boolean relaying;
  private final AtomicLong toDestination = new AtomicLong();
  private final AtomicLong fromDestination = new AtomicLong();

  Connection(NetworkProxy runtime, SocketChannel client) {
    this.runtime = runtime;
    this.client = client;
    this.deadline = System.nanoTime() + runtime.limits().handshakeTimeout().toNanos();
  }

  SocketChannel client() {
    return client;
  }

  /** Called by the watchdog. */
  void closeIfExpired(long now) {
    if (now - deadline > 0) {
      close();
    }
  }

  void close() {
    closeQuietly(client);
    closeQuietly(upstream);
  }

  @Override
  public void run() {
    try {
      Inbound in = new Inbound(client, runtime.limits().maxHeaderBytes());
      int first = in.peek();
      if (first == 5) {
        new Socks5Protocol(this, in).serve();
      } else if (first == 4) {
        // SOCKS4/4a: no IPv6 and (4) names resolved by the client; refused, answer "rejected".
        write(ByteBuffer.wrap(new byte[] {0, 0x5b, 0, 0, 0, 0, 0, 0}));
      } else if (first >= 'A' && first <= 'Z') {
        new HttpProxyProtocol(this, in).serve();
      }
    } catch (IOException | RuntimeException e) {
      // The client went away, sent garbage, or a deadline closed the channel: nothing to answer.
    } finally {
      if (!relaying) {
        lingerBeforeClose();
      }
      close();
      runtime.finished(this);
    }
  }

  /**
   * Ends an answered (or refused) request gracefully: closing with unread input would reset the
   * connection and could destroy the answer before the client reads it. Reads and discards what the
   * client still sends, for at most a second and {@link #LINGER_BYTES}.
   */
  private void lingerBeforeClose() {
    try {
      client.shutdownOutput();
      deadline = System.nanoTime() + 1_000_000_000L;
      ByteBuffer sink = ByteBuffer.allocate(4096);
      long total = 0;
      int n;
      while (total < LINGER_BYTES && (n = client.read(sink)) >= 0) {
        total += n;
        sink.clear();
      }
    } catch (IOException e) {
      // closed by the watchdog or the client: done
    }
  }

  NetworkProxy runtime() {
    return runtime;
  }

  void write(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      client.write(b);
    }
  }

  /** The outcome of naming a destination: a connected upstream, or the event of the refusal. */
  record Attempt(
      SocketChannel upstream, InetAddress address, Decision decision, NetworkEvent event) {
    boolean connected() {
      return upstream != null;
    }
  }

  /**
   * Decides and, when allowed, connects to the first checked address that answers. A refusal or
   * failure is recorded here; the protocol answers the client.
   */
  Attempt open(String protocol, String host, int port) {
    Instant start = Instant.now();
    Decision decision;
    try {
      decision = runtime.decide(host, port);
    } catch (UnknownHostException e) {
      return failed(protocol, host, port, null, null, "the name does not resolve", start);
    } catch (RuntimeException e) {
      return failed(protocol, host, port, null, null, "the resolver failed: " + e, start);
    }
    if (!decision.allowed()) {
      NetworkEvent ev =
          event(
              protocol,
              host,
              port,
              decision.addresses().isEmpty() ? null : decision.addresses().get(0),
              NetworkEvent.Outcome.DENIED,
              decision,
              decision.reason(),
              start);
      runtime.record(ev);
      return new Attempt(null, null, decision, ev);
    }
    String lastError = "no address";
    InetAddress lastAddress = null;
    int timeout = (int) Math.min(Integer.MAX_VALUE, runtime.limits().connectTimeout().toMillis());
    for (InetAddress a : decision.addresses()) {
      lastAddress = a;
      SocketChannel ch = null;
      // the handshake deadline gives way to the connect timeout while an address is tried
      deadline = System.nanoTime() + (timeout + 1000L) * 1_000_000L;
      try {
        ch = SocketChannel.open();
        upstream = ch;
        ch.socket().connect(new InetSocketAddress(a, port), timeout);
        ch.socket().setTcpNoDelay(true);
        return new Attempt(ch, a, decision, null);
      } catch (IOException e) {
        closeQuietly(ch);
        upstream = null;
        lastError = describe(e, timeout);
      }
    }
    return failed(protocol, host, port, lastAddress, decision, lastError, start);
  }

  /** Records a refusal the rules did not make (an unsupported request naming a destination). */
  void recordDenied(String protocol, String host, int port, String reason) {
    runtime.record(
        event(
            protocol, host, port, null, NetworkEvent.Outcome.DENIED, null, reason, Instant.now()));
  }

  private Attempt failed(
      String protocol,
      String host,
      int port,
      InetAddress address,
      Decision decision,
      String reason,
      Instant start) {
    NetworkEvent ev =
        event(protocol, host, port, address, NetworkEvent.Outcome.FAILED, decision, reason, start);
    runtime.record(ev);
    return new Attempt(null, address, decision, ev);
  }

  static String describe(IOException e, int timeoutMillis) {
    if (e instanceof SocketTimeoutException) {
      return "no answer within " + timeoutMillis + " ms";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private NetworkEvent event(
      String protocol,
      String host,
      int port,
      InetAddress address,
      NetworkEvent.Outcome outcome,
      Decision decision,
      String reason,
      Instant start) {
    String h = NetworkRules.normalizeHost(host);
    return new NetworkEvent(
        protocol,
        h == null ? NetworkRules.printable(host) : h,
        port,
        Optional.ofNullable(address).map(Addresses::text),
        outcome,
        decision == null ? Optional.empty() : decision.ruleEntry(),
        reason,
        toDestination.get(),
        fromDestination.get(),
        start,
        Instant.now());
  }

  /**
   * Relays both ways until both sides are done, then records the allowed attempt with its bytes.
   *
   * @param endWithDestination close the client too when the destination has finished (plain HTTP:
   *     one request per connection)
   * @param first bytes to send to the destination before anything else (a rewritten request head,
   *     what the client sent past its request)
   */
  void relay(
      String protocol,
      String host,
      int port,
      Attempt attempt,
      Instant start,
      boolean endWithDestination,
      ByteBuffer... first) {
    SocketChannel up = attempt.upstream();
    relaying = true;
    touch();
    CountDownLatch backDone = new CountDownLatch(1);
    try {
      for (ByteBuffer b : first) {
        while (b.hasRemaining()) {
          toDestination.addAndGet(up.write(b));
        }
      }
      runtime.execute(
          () -> {
            try {
              pump(up, client, fromDestination);
              if (endWithDestination) {
                close();
              }
            } finally {
              backDone.countDown();
            }
          });
      pump(client, up, toDestination);
      backDone.await();
    } catch (IOException e) {
      // a side closed or reset: the tunnel ends
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close();
      try {
        backDone.await(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      runtime.record(
          event(
              protocol,
              host,
              port,
              attempt.address(),
              NetworkEvent.Outcome.ALLOWED,
              attempt.decision(),
              attempt.decision().reason(),
              start));
    }
  }

  /** Copies until end of stream, then half-closes the other side; any error closes both. */
  private void pump(SocketChannel from, SocketChannel to, AtomicLong counter) {
    ByteBuffer buf = RELAY.get();
    buf.clear();
    try {
      while (from.read(buf) >= 0) {
        touch();
        buf.flip();
        while (buf.hasRemaining()) {
          counter.addAndGet(to.write(buf));
        }
        buf.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      close();
    }
  }

  private void touch() {
    if (relaying) {
      deadline = System.nanoTime() + runtime.limits().idleTimeout().toNanos();
    }
  }

  static void closeQuietly(SocketChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
