package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * The filtering proxy of one run: HTTP CONNECT, plain HTTP forwarding and SOCKS5 on the same
 * listener (the first byte tells them apart), every destination judged by {@link NetworkRules} and
 * recorded as a {@link NetworkEvent}.
 *
 * <pre>{@code
 * try (NetworkProxy proxy = NetworkProxy.builder(NetworkRules.parse(allow, deny))
 *     .unixSocket(runDir.resolve("proxy.sock"))
 *     .listener(event -> ...)
 *     .start()) {
 *   ... run the command, its bridge connects to the unix socket ...
 *   List<NetworkEvent> events = proxy.stop();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Each client connection has its own thread, and a second one while a tunnel is
 * open; a watchdog thread enforces the deadlines. Every thread is a daemon, named {@code
 * sandbox4j-proxy-...}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class NetworkProxy implements AutoCloseable {
  /** Thread stack size: the relay and the protocols need little (a few frames, no recursion). */
  static final long STACK_SIZE = 256 * 1024;

  private final NetworkRules rules;
  private final HostResolver resolver;
  private final Set<InetAddress> hostAddresses;
  private final ProxyLimits limits;
  private final NetworkEventListener listener;
  private final Path unixSocket;
  private final Semaphore slots;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor workers;
  private final List<NetworkEvent> events = new ArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejectedConnections = new AtomicLong();
  private final AtomicLong threadNumber = new AtomicLong();
  private final List<ServerSocketChannel> servers = new ArrayList<>();
  private volatile boolean closed;
  private InetSocketAddress tcpAddress;

  private NetworkProxy(Builder b) {
    this.rules = b.rules;
    this.resolver = b.resolver;
    this.hostAddresses = b.hostAddresses == null ? NetworkRules.hostAddresses() : b.hostAddresses;
    this.limits = b.limits;
    this.listener = b.listener;
    this.unixSocket = b.unixSocket;
    this.slots = new Semaphore(limits.maxConnections());
    // Two threads per tunnel at most; idle threads are kept 30 s so a burst of connections
    // reuses them instead of paying a thread start per connection and direction.
    this.workers =
        new ThreadPoolExecutor(
            0,
            2 * limits.maxConnections(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> newThread(r, "sandbox4j-proxy-" + threadNumber.incrementAndGet()));
  }

  public static Builder builder(NetworkRules rules) {
    return new Builder(rules);
  }

  /** How to build a proxy; {@link #start()} binds and starts it. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private final NetworkRules rules;
    private HostResolver resolver = HostResolver.system();
    private Set<InetAddress> hostAddresses;
    private ProxyLimits limits = ProxyLimits.DEFAULT;
    private NetworkEventListener listener = e -> {};
    private Path unixSocket;
    private int tcpPort = -1;

    private Builder(NetworkRules rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** The resolver to ask (default: the JDK's). */
    public Builder resolver(HostResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** This host's own addresses (default: read from the interfaces once, at start). */
    public Builder hostAddresses(Set<InetAddress> addresses) {
      this.hostAddresses = addresses.stream().map(Addresses::canonical).collect(Collectors.toSet());
      return this;
    }

    public Builder limits(ProxyLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder listener(NetworkEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Listen on a unix socket at {@code path} (which must not exist; its directory should be
     * private to the run). The socket file is made owner-only and deleted by {@link #close()}.
     */
    public Builder unixSocket(Path path) {
      this.unixSocket = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Also (or only) listen on 127.0.0.1 at {@code port}, 0 for any free port. */
    public Builder tcpLoopback(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in 0..65535");
      }
      this.tcpPort = port;
      return this;
    }

    /**
     * Binds every listener and starts accepting.
     *
     * @throws SandboxException (exit 125) when a listener cannot be bound, naming it
     */
    public NetworkProxy start() {
      if (unixSocket == null && tcpPort < 0) {
        throw new IllegalStateException("a proxy needs a unix socket path or a loopback port");
      }
      NetworkProxy proxy = new NetworkProxy(this);
      try {
        proxy.bind(tcpPort);
      } catch (IOException | RuntimeException e) {
        proxy.close();
        throw SandboxException.cannotSandbox(
            "cannot start the network proxy on "
                + (unixSocket != null ? unixSocket : "127.0.0.1:" + tcpPort)
                + ": "
                + e.getMessage(),
            e);
      }
      return proxy;
    }
  }

  private void bind(int tcpPort) throws IOException {
    if (unixSocket != null) {
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      servers.add(s);
      s.bind(UnixDomainSocketAddress.of(unixSocket));
      if (Files.getFileStore(unixSocket.toAbsolutePath().getParent())
          .supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(unixSocket, PosixFilePermissions.fromString("rw-------"));
      }
    }
    if (tcpPort >= 0) {
      ServerSocketChannel s = ServerSocketChannel.open();
      servers.add(s);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort));
      tcpAddress = (InetSocketAddress) s.getLocalAddress();
    }
    for (ServerSocketChannel s : servers) {
      newThread(() -> accept(s), "sandbox4j-proxy-accept").start();
    }
    newThread(this::watch, "sandbox4j-proxy-watchdog").start();
  }

  private void accept(ServerSocketChannel server) {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue; // e.g. out of descriptors for a moment: keep serving the others
      }
      if (closed || !slots.tryAcquire()) {
        rejectedConnections.incrementAndGet();
        Connection.closeQuietly(client);
        continue;
      }
      Connection c = new Connection(this, client);
      open.add(c);
      try {
        workers.execute(c);
      } catch (OutOfMemoryError | RuntimeException e) {
        finished(c);
        c.close();
      }
    }
  }

  private void watch() {
    while (!closed) {
      long now = System.nanoTime();
      for (Connection c : open) {
        c.closeIfExpired(now);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static Thread newThread(Runnable r, String name) {
    Thread t = new Thread(null, r, name, STACK_SIZE);
    t.setDaemon(true);
    return t;
  }

  /** Runs a task of a connection (the way back of a tunnel) on a worker thread. */
  void execute(Runnable task) {
    workers.execute(task);
  }

  void finished(Connection c) {
    if (open.remove(c)) {
      slots.release();
    }
  }

  /** The rules' decision for one destination, with this proxy's resolver and host addresses. */
  Decision decide(String host, int port) throws UnknownHostException {
    return rules.decide(host, port, resolver, hostAddresses);
  }

  ProxyLimits limits() {
    return limits;
  }

  void record(NetworkEvent event) {
    synchronized (events) {
      if (events.size() < limits.maxEvents()) {
        events.add(event);
      } else {
        dropped.incrementAndGet();
      }
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      // documented: a listener's failure does not stop the proxy
    }
  }

  /** The unix socket this proxy listens on, if any. */
  public Optional<Path> unixSocketPath() {
    return Optional.ofNullable(unixSocket);
  }

  /** The loopback TCP address this proxy listens on, if any (with the port chosen for 0). */
  public Optional<InetSocketAddress> tcpAddress() {
    return Optional.ofNullable(tcpAddress);
  }

  /** A snapshot of the events so far, in the order the attempts ended. */
  public List<NetworkEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Events not kept because {@link ProxyLimits#maxEvents()} was reached. */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Client connections closed on accept because {@link ProxyLimits#maxConnections()} were open. */
  public long rejectedConnections() {
    return rejectedConnections.get();
  }

  /** Client connections open now. */
  public int openConnections() {
    return open.size();
  }

  /**
   * Stops accepting, closes every connection, waits briefly for their events, and returns all
   * events. Idempotent.
   */
  public List<NetworkEvent> stop() {
    close();
    return events();
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocketChannel s : servers) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    for (Connection c : open) {
      c.close();
    }
    workers.shutdown();
    try {
      // the connections record their events as they end; give them a moment
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (unixSocket != null) {
      try {
        Files.deleteIfExists(unixSocket);
      } catch (IOException e) {
        // left behind in the run's directory
      }
    }
  }
}
