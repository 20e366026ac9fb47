package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The filtering proxy one run asks for: a {@code LaunchSpec} extension. A network isolator that
 * owns the allow-list creates it ({@link #inPrivateDirectory}) while it contributes to the spec and
 * puts {@link #socket()} and {@link #port()} into its launch plan; the engine then {@linkplain
 * #start() starts} the proxy before the launcher runs, adds {@link #environment()} to the command's
 * environment, and {@linkplain #stop() stops} it when the run ends, whichever way (normal exit,
 * timeout, kill, launch failure), handing the events to the run's result. No state outside the run:
 * one instance belongs to one spec.
 *
 * <p>The socket lives in a fresh directory of its own, mode 0700, under the first base directory
 * given that is not inside a writable root of the run; the directory is removed by {@link #stop()}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class RunProxy {
  /** The proxy's port on 127.0.0.1 inside the sandbox (any port: the namespace is private). */
  public static final int DEFAULT_PORT = 3128;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final NetworkRules rules;
  private final Path directory;
  private final Path socket;
  private final int port;
  private NetworkProxy proxy;
  private List<NetworkEvent> events;

  private RunProxy(NetworkRules rules, Path directory, int port) {
    this.rules = rules;
    this.directory = directory;
    this.socket = directory == null ? null : directory.resolve("proxy.sock");
    this.port = port;
  }

  /**
   * A proxy listening on the host's own 127.0.0.1 at a free port, bound now so that the port is
   * known while the launch plan is made (Windows: the WFP filters permit the sandbox that port and
   * nothing else). No socket and no directory; {@link #start()} has nothing left to do.
   *
   * @throws SandboxException (exit 125) when no loopback port can be bound
   */
  public static RunProxy onHostLoopback(NetworkRules rules) {
    NetworkProxy listening = NetworkProxy.builder(rules).tcpLoopback(0).start();
    RunProxy p = new RunProxy(rules, null, listening.tcpAddress().orElseThrow().getPort());
    p.proxy = listening;
    return p;
  }

  /**
   * Creates the run's private directory under the first of {@code bases} that exists and lies
   * outside every writable root. Nothing listens yet.
   *
   * @param port the proxy's port inside the sandbox
   * @throws SandboxException (exit 125) when no base fits or the directory cannot be made
   */
  public static RunProxy inPrivateDirectory(
      NetworkRules rules, Collection<Path> bases, Collection<Path> writableRoots, int port) {
    List<String> why = new ArrayList<>();
    for (Path base : bases) {
      Path b = base.toAbsolutePath().normalize();
      Path real;
      try {
        Files.createDirectories(b);
        real = b.toRealPath();
      } catch (IOException | SecurityException e) {
        why.add(b + ": " + e.getMessage());
        continue;
      }
      if (writableRoots.stream().anyMatch(r -> real.startsWith(r) || b.startsWith(r))) {
        why.add(b + " is inside a writable root");
        continue;
      }
      Path dir = real.resolve("sandbox4j-proxy-" + Long.toHexString(RANDOM.nextLong()));
      // a unix socket path holds at most 107 bytes
      if (dir.resolve("proxy.sock").toString().getBytes(StandardCharsets.UTF_8).length > 107) {
        why.add(b + " is too long a path for a unix socket");
        continue;
      }
      try {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        why.add(dir + " exists");
        continue;
      } catch (IOException | UnsupportedOperationException e) {
        why.add(dir + ": " + e.getMessage());
        continue;
      }
      return new RunProxy(rules, dir, port);
    }
    throw SandboxException.cannotSandbox(
        "no private directory for the network proxy's socket: " + String.join("; ", why));
  }

  public NetworkRules rules() {
    return rules;
  }

  /**
   * The unix socket the proxy listens on (it exists once started).
   *
   * @throws IllegalStateException for a proxy {@linkplain #onHostLoopback on the host's loopback}
   */
  public Path socket() {
    if (socket == null) {
      throw new IllegalStateException("this run's proxy listens on the host's loopback only");
    }
    return socket;
  }

  /** The run's private directory holding the socket; null on the host's loopback. */
  public Path directory() {
    return directory;
  }

  /** The proxy's port on 127.0.0.1 inside the sandbox (on the host's loopback: its port there). */
  public int port() {
    return port;
  }

  /** The proxy variables for the command (see {@link ProxyEnvironment}). */
  public Map<String, String> environment(Map<String, String> current) {
    return ProxyEnvironment.forPort(port, current);
  }

  /**
   * Starts the proxy on {@link #socket()}.
   *
   * @throws SandboxException (exit 125) when it cannot bind, or after {@link #stop()}
   */
  public synchronized void start() {
    if (events != null) {
      throw SandboxException.cannotSandbox("the run's network proxy was already stopped");
    }
    if (proxy == null) {
      proxy = NetworkProxy.builder(rules).unixSocket(socket).start();
    }
  }

  /** Whether the proxy is listening. */
  public synchronized boolean running() {
    return proxy != null && events == null;
  }

  /**
   * Stops the proxy (if it was started), removes the directory and returns every event. Idempotent:
   * later calls return the same events.
   */
  public synchronized List<NetworkEvent> stop() {
    if (events == null) {
      events = proxy == null ? List.of() : List.copyOf(proxy.stop());
      try {
        if (directory != null) {
          Files.deleteIfExists(socket);
          Files.deleteIfExists(directory);
        }
      } catch (IOException e) {
        // a directory left in the runtime directory; harmless, named for whoever looks
      }
    }
    return events;
  }

  /** The events so far (all of them once stopped). */
  public synchronized List<NetworkEvent> events() {
    return events != null ? events : proxy == null ? List.of() : proxy.events();
  }

  /** The proxy, once started. */
  public synchronized Optional<NetworkProxy> proxy() {
    return Optional.ofNullable(proxy);
  }
}
