package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * One destination the sandboxed command tried to reach through the proxy, recorded when the attempt
 * ends (at once for a refusal, when the tunnel closes for an allowed one).
 *
 * @param protocol how it asked: {@code CONNECT}, {@code HTTP} (plain forwarding) or {@code SOCKS5}
 * @param host the host as the client named it (a name or an IP literal), lower case
 * @param port the destination port
 * @param address the resolved address connected to, or the one that was refused; empty when the
 *     decision came before resolution
 * @param outcome allowed, denied, or failed (allowed but unreachable or unresolvable)
 * @param rule the entry that decided, as written, when one did
 * @param reason why, in words for the user ({@code "not in the allow-list"})
 * @param bytesToDestination bytes the client sent to the destination (for HTTP, the rewritten
 *     request head included)
 * @param bytesFromDestination bytes the destination sent back
 * @param start when the client named the destination
 * @param end when the attempt ended
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record NetworkEvent(
    String protocol,
    String host,
    int port,
    Optional<String> address,
    Outcome outcome,
    Optional<String> rule,
    String reason,
    long bytesToDestination,
    long bytesFromDestination,
    Instant start,
    Instant end) {

  /** How an attempt ended. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Outcome {
    /** The rules allowed it and the proxy connected. */
    ALLOWED,
    /** The rules refused it; nothing was connected. */
    DENIED,
    /** The rules allowed it but the name did not resolve or no address answered in time. */
    FAILED
  }

  /** {@code host:port}, IPv6 literals in brackets. */
  public String destination() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The one line a run prints for a refusal: {@code denied network access to evil.example:443 (not
   * in the allow-list)}.
   */
  public String summary() {
    return switch (outcome) {
      case DENIED -> "denied network access to " + destination() + " (" + reason + ")";
      case FAILED -> "could not reach " + destination() + " (" + reason + ")";
      case ALLOWED ->
          "reached "
              + destination()
              + " ("
              + reason
              + ", "
              + bytesToDestination
              + " bytes sent, "
              + bytesFromDestination
              + " received)";
    };
  }
}
