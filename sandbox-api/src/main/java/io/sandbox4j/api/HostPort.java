package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.OptionalInt;
import org.apiguardian.api.API;

/**
 * A network allow-list entry: a host name or address and an optional port (any port when absent).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record HostPort(String host, OptionalInt port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw SandboxException.invalid("network allow-list entry has an empty host");
    }
    if (!host.matches("[A-Za-z0-9._:-]+|\\*")) {
      throw SandboxException.invalid(
          "network allow-list host '" + host + "' is not a host name or IP address");
    }
    if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
      throw SandboxException.invalid(
          "network allow-list port " + port.getAsInt() + " for '" + host + "' is not in 1..65535");
    }
  }

  /**
   * Parses {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}.
   *
   * @throws SandboxException (exit 2) naming the entry when it is malformed
   */
  public static HostPort parse(String entry) {
    String s = entry == null ? "" : entry.trim();
    if (s.isEmpty()) {
      throw SandboxException.invalid("network allow-list entry is empty");
    }
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw SandboxException.invalid("network allow-list entry '" + entry + "' lacks ']'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw SandboxException.invalid(
              "network allow-list entry '" + entry + "': expected ':PORT' after ']'");
        }
        port = rest.substring(1);
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') != colon) {
        host = s; // a bare IPv6 address
      } else if (colon >= 0) {
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      } else {
        host = s;
      }
    }
    if (port == null) {
      return new HostPort(host, OptionalInt.empty());
    }
    try {
      return new HostPort(host, OptionalInt.of(Integer.parseInt(port)));
    } catch (NumberFormatException e) {
      throw SandboxException.invalid(
          "network allow-list entry '" + entry + "': port '" + port + "' is not a number");
    }
  }

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return port.isPresent() ? h + ":" + port.getAsInt() : h;
  }
}
