package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * What one proxy accepts.
 *
 * @param maxConnections client connections open at once; the next one is closed on accept
 * @param maxHeaderBytes the largest HTTP request head (request line and headers), and the buffer a
 *     connection keeps while it names its destination
 * @param handshakeTimeout the whole time a client has to name its destination (HTTP head or SOCKS
 *     greeting and request), however slowly it trickles bytes: a slow client cannot hold a slot
 * @param idleTimeout a tunnel with no byte in either direction for this long is closed
 * @param connectTimeout how long one connection attempt to a destination address may take
 * @param maxEvents events kept for {@link NetworkProxy#events()}; later ones still reach the
 *     listener and are counted in {@link NetworkProxy#droppedEvents()}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ProxyLimits(
    int maxConnections,
    int maxHeaderBytes,
    Duration handshakeTimeout,
    Duration idleTimeout,
    Duration connectTimeout,
    int maxEvents) {

  /** 256 connections, 16 KiB heads, 10 s to name a destination, 10 min idle, 10 s to connect. */
  public static final ProxyLimits DEFAULT =
      new ProxyLimits(
          256,
          16 * 1024,
          Duration.ofSeconds(10),
          Duration.ofMinutes(10),
          Duration.ofSeconds(10),
          10_000);

  public ProxyLimits {
    if (maxConnections < 1 || maxHeaderBytes < 512 || maxEvents < 0) {
      throw new IllegalArgumentException(
          "proxy limits need at least 1 connection and 512 header bytes: "
              + maxConnections
              + ", "
              + maxHeaderBytes);
    }
    for (Duration d : new Duration[] {handshakeTimeout, idleTimeout, connectTimeout}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("proxy timeouts must be positive: " + d);
      }
    }
  }

  public ProxyLimits withMaxConnections(int n) {
    return new ProxyLimits(
        n, maxHeaderBytes, handshakeTimeout, idleTimeout, connectTimeout, maxEvents);
  }

  public ProxyLimits withHandshakeTimeout(Duration d) {
    return new ProxyLimits(
        maxConnections, maxHeaderBytes, d, idleTimeout, connectTimeout, maxEvents);
  }

  public ProxyLimits withIdleTimeout(Duration d) {
    return new ProxyLimits(
        maxConnections, maxHeaderBytes, handshakeTimeout, d, connectTimeout, maxEvents);
  }
}
