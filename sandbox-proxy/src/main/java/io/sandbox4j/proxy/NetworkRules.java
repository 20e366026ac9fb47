package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * An allow-list and a deny-list of destinations, and the decision for one destination.
 *
 * <p>A destination is decided in this order: a deny entry naming the host (or the literal) refuses
 * it; otherwise an allow entry must name it, on a port it covers; the name is then resolved once
 * and each address judged: a deny entry covering it refuses it, and a special address (loopback,
 * link-local and cloud metadata, private, CGNAT, unspecified, multicast, broadcast, reserved, or an
 * address of this host) is refused unless an allow entry is that address, a block covering it, or
 * {@code localhost} (for 127.0.0.1 and ::1). IPv6 forms carrying an IPv4 address are judged by
 * both. The proxy connects only to the addresses that passed; none passing refuses the destination.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class NetworkRules {
  private final List<NetworkRule> allow;
  private final List<NetworkRule> deny;

  private NetworkRules(List<NetworkRule> allow, List<NetworkRule> deny) {
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
  }

  /**
   * Parses both lists, as a user writes them on the command line or in a policy file.
   *
   * @throws io.sandbox4j.api.SandboxException (exit 2) naming the first bad entry
   */
  public static NetworkRules parse(Collection<String> allow, Collection<String> deny) {
    return new NetworkRules(
        allow.stream().map(e -> NetworkRule.parse(e, false)).toList(),
        deny.stream().map(e -> NetworkRule.parse(e, true)).toList());
  }

  public List<NetworkRule> allow() {
    return allow;
  }

  public List<NetworkRule> deny() {
    return deny;
  }

  /**
   * Decides one destination.
   *
   * @param host a host name or IP literal (IPv6 with or without brackets), as the client sent it
   * @param port the destination port
   * @param resolver asked at most once, and only when an allow entry names the host
   * @param hostAddresses the addresses of this host's interfaces (see {@link #hostAddresses()})
   * @throws UnknownHostException when an allowed name does not resolve
   */
  public Decision decide(
      String host, int port, HostResolver resolver, Set<InetAddress> hostAddresses)
      throws UnknownHostException {
    String h = normalizeHost(host);
    if (h == null) {
      return Decision.deny(
          null, "'" + printable(host) + "' is not a host name or IP address", List.of());
    }
    if (port < 1 || port > 65535) {
      return Decision.deny(null, "port " + port + " is not in 1..65535", List.of());
    }
    InetAddress literal = Addresses.parseLiteral(h).map(Addresses::canonical).orElse(null);
    for (NetworkRule r : deny) {
      if (r.coversPort(port) && r.matchesHost(h, literal)) {
        return Decision.deny(r, "denied by '" + r + "'", List.of());
      }
    }
    NetworkRule allowing = null;
    NetworkRule otherPort = null;
    for (NetworkRule r : allow) {
      if (r.matchesHost(h, literal)) {
        if (r.coversPort(port)) {
          allowing = r;
          break;
        }
        otherPort = otherPort == null ? r : otherPort;
      }
    }
    if (allowing == null) {
      if (otherPort != null) {
        return Decision.deny(
            null,
            "port "
                + port
                + " is not allowed (the entry '"
                + otherPort
                + "' allows ports "
                + otherPort.ports().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + ")",
            List.of());
      }
      return Decision.deny(null, "not in the allow-list", List.of());
    }

    List<InetAddress> candidates;
    if (literal != null) {
      candidates = List.of(literal);
    } else if (allowing.kind() == NetworkRule.Kind.LOCALHOST) {
      candidates = NetworkRule.localhostAddresses();
    } else {
      candidates = resolver.resolve(h);
      if (candidates == null || candidates.isEmpty()) {
        throw new UnknownHostException(h + ": the resolver returned no address");
      }
    }

    List<InetAddress> passed = new ArrayList<>();
    Decision firstRefusal = null;
    for (InetAddress a : candidates) {
      InetAddress c = Addresses.canonical(a);
      Decision refusal = judge(c, port, hostAddresses);
      if (refusal == null) {
        if (!passed.contains(c)) {
          passed.add(c);
        }
      } else if (firstRefusal == null) {
        firstRefusal = refusal;
      }
    }
    if (passed.isEmpty()) {
      return firstRefusal;
    }
    return Decision.allow(allowing, "allowed by '" + allowing + "'", passed);
  }

  /** Null when the address may be reached on this port, otherwise the refusal. */
  private Decision judge(InetAddress address, int port, Set<InetAddress> hostAddresses) {
    String text = Addresses.text(address);
    for (NetworkRule r : deny) {
      if (r.coversPort(port) && r.coversAddress(address)) {
        return Decision.deny(
            r, "resolves to " + text + ", denied by '" + r + "'", List.of(address));
      }
    }
    Optional<String> special = Addresses.specialClass(address);
    if (special.isEmpty() && hostAddresses.contains(address)) {
      special = Optional.of("an address of this host");
    }
    if (special.isEmpty()) {
      return null;
    }
    for (NetworkRule r : allow) {
      if (r.coversPort(port) && r.coversAddress(address)) {
        return null;
      }
    }
    return Decision.deny(
        null,
        text
            + " is "
            + special.get()
            + ", which only an entry naming that address (or 'localhost' for loopback) allows",
        List.of(address));
  }

  /**
   * The host name in lower case without brackets or a trailing dot, or null when it is neither a
   * valid name nor an IP literal.
   */
  static String normalizeHost(String host) {
    if (host == null || host.isEmpty() || host.length() > 255) {
      return null;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
      return Addresses.parseV6(h) == null ? null : h;
    }
    if (Addresses.parseLiteral(h).isPresent()) {
      return h;
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty() || h.length() > 253) {
      return null;
    }
    for (String label : h.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || !label.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?")) {
        return null;
      }
    }
    return h;
  }

  /** A host that is not a valid name, made safe to print: controls and non-ASCII become '?'. */
  static String printable(String host) {
    StringBuilder b = new StringBuilder();
    host.codePoints().limit(255).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return b.toString();
  }

  /** The addresses of this host's network interfaces, canonical; empty when they cannot be read. */
  public static Set<InetAddress> hostAddresses() {
    Set<InetAddress> out = new HashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          out.add(Addresses.canonical(a));
        }
      }
    } catch (SocketException e) {
      return Set.of();
    }
    return Set.copyOf(out);
  }

  @Override
  public String toString() {
    return "allow " + allow + ", deny " + deny;
  }
}
