package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apiguardian.api.API;

/**
 * One allow-list or deny-list entry as the user wrote it, parsed. {@link #toString()} is the entry
 * as written, which is what a decision names.
 *
 * <p>Forms: {@code host}, {@code *.suffix} (subdomains at any depth, not the suffix itself), {@code
 * localhost}, an IPv4 or IPv6 literal ({@code 192.0.2.7}, {@code ::1}, {@code [::1]}), a CIDR block
 * ({@code 10.0.0.0/8}, {@code [fd00::]/8} or {@code fd00::/8}), each optionally followed by {@code
 * :PORT} or {@code :*} (IPv6 in brackets then). Without a port an allow entry means ports 80 and
 * 443 and a deny entry means every port.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class NetworkRule {

  /** What an entry names. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Kind {
    /** One host name, compared case-insensitively, a trailing dot ignored. */
    NAME,
    /** {@code *.suffix}: every name ending in {@code .suffix}. */
    WILDCARD,
    /** {@code localhost}: the loopback addresses 127.0.0.1 and ::1, never asked of a resolver. */
    LOCALHOST,
    /** One IP address. */
    ADDRESS,
    /** A block of IP addresses. */
    CIDR
  }

  /** The ports an allow entry without a port means. */
  public static final Set<Integer> DEFAULT_PORTS = Set.of(80, 443);

  private static final InetAddress LOOPBACK_V4 = Addresses.of(new byte[] {127, 0, 0, 1});
  private static final InetAddress LOOPBACK_V6 =
      Addresses.of(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

  private final String entry;
  private final Kind kind;
  private final String name; // NAME: the name; WILDCARD: ".suffix"
  private final byte[] network; // ADDRESS, CIDR (canonical form)
  private final int prefix;
  private final Set<Integer> ports; // empty: every port

  private NetworkRule(
      String entry, Kind kind, String name, byte[] network, int prefix, Set<Integer> ports) {
    this.entry = entry;
    this.kind = kind;
    this.name = name;
    this.network = network;
    this.prefix = prefix;
    this.ports = ports;
  }

  /**
   * Parses one entry.
   *
   * @param entry as the user wrote it
   * @param deny whether it is a deny-list entry (then no port means every port)
   * @throws SandboxException (exit 2) naming the entry and what is wrong with it
   */
  public static NetworkRule parse(String entry, boolean deny) {
    String list = deny ? "network deny-list" : "network allow-list";
    if (entry == null || entry.isBlank()) {
      throw SandboxException.invalid(list + " entry is empty");
    }
    for (int i = 0; i < entry.length(); i++) {
      char c = entry.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw bad(
            list,
            entry.replaceAll("[\\p{Cntrl}\\u0080-\\u009f]", "?"),
            String.format(
                "character U+%04X at position %d is not allowed (printable ASCII only; write"
                    + " international names in their xn-- form)",
                (int) c, i + 1));
      }
    }
    String s = entry.strip();
    String hostPart;
    String portPart = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw bad(list, entry, "'[' without ']' (write an IPv6 address as [::1] or [::1]:8080)");
      }
      hostPart = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (rest.startsWith("/")) { // [fd00::]/8 or [fd00::]/8:443
        int colon = rest.indexOf(':');
        hostPart = hostPart + (colon < 0 ? rest : rest.substring(0, colon));
        rest = colon < 0 ? "" : rest.substring(colon);
      }
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw bad(list, entry, "expected ':PORT' after ']'");
        }
        portPart = rest.substring(1);
      }
    } else if (s.indexOf(':') != s.lastIndexOf(':')) {
      hostPart = s; // a bare IPv6 address or block: no port possible
    } else {
      int colon = s.indexOf(':');
      hostPart = colon < 0 ? s : s.substring(0, colon);
      portPart = colon < 0 ? null : s.substring(colon + 1);
    }
    Set<Integer> ports = ports(list, entry, portPart, deny);
    String host = hostPart.toLowerCase(Locale.ROOT);

    int slash = host.indexOf('/');
    if (slash >= 0) {
      return cidr(list, entry, host.substring(0, slash), host.substring(slash + 1), ports);
    }
    Optional<InetAddress> literal = Addresses.parseLiteral(host);
    if (literal.isPresent()) {
      byte[] bytes = Addresses.canonical(literal.get()).getAddress();
      return new NetworkRule(entry, Kind.ADDRESS, null, bytes, bytes.length * 8, ports);
    }
    if (host.endsWith(".") && host.length() > 1) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.equals("localhost")) {
      return new NetworkRule(entry, Kind.LOCALHOST, host, null, 0, ports);
    }
    if (host.equals("*")) {
      throw bad(list, entry, "'*' alone matches everything; use network mode 'all' instead");
    }
    if (host.startsWith(".")) {
      throw bad(list, entry, "a leading dot is not a wildcard; write '*" + host + "'");
    }
    if (host.startsWith("*.")) {
      String suffix = host.substring(2);
      checkName(list, entry, suffix);
      checkNotNumeric(list, entry, suffix);
      if (suffix.indexOf('.') < 0) {
        throw bad(
            list, entry, "'*." + suffix + "' would match a whole top-level domain; name a domain");
      }
      return new NetworkRule(entry, Kind.WILDCARD, "." + suffix, null, 0, ports);
    }
    if (host.indexOf('*') >= 0) {
      throw bad(list, entry, "'*' is only allowed as the first label, as in '*.example.com'");
    }
    checkName(list, entry, host);
    checkNotNumeric(list, entry, host);
    return new NetworkRule(entry, Kind.NAME, host, null, 0, ports);
  }

  /**
   * Refuses a name whose last label is a number (decimal or {@code 0x} hex): resolvers and URL
   * parsers read {@code 127.1}, {@code 2130706433} or {@code 0x7f000001} as an IPv4 address, and no
   * top-level domain is numeric.
   */
  private static void checkNotNumeric(String list, String entry, String name) {
    String last = name.substring(name.lastIndexOf('.') + 1);
    if (last.matches("[0-9]+|0x[0-9a-f]*")) {
      throw bad(
          list,
          entry,
          "not a valid IPv4 address and not a host name (write four decimal octets: 192.0.2.7)");
    }
  }

  private static NetworkRule cidr(
      String list, String entry, String address, String bits, Set<Integer> ports) {
    Optional<InetAddress> literal = Addresses.parseLiteral(address);
    if (literal.isEmpty()) {
      throw bad(list, entry, "'" + address + "' before '/' is not an IP address");
    }
    byte[] net = literal.get().getAddress();
    int max = net.length * 8;
    int prefix;
    try {
      prefix = Integer.parseInt(bits);
    } catch (NumberFormatException e) {
      throw bad(list, entry, "prefix length '" + bits + "' is not a number");
    }
    if (prefix < 0 || prefix > max || !bits.matches("[0-9]{1,3}")) {
      throw bad(list, entry, "prefix length " + bits + " is not in 0.." + max);
    }
    byte[] masked = net.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      masked[i] = (byte) (masked[i] & ((0xff << (8 - keep)) & 0xff));
    }
    if (!Arrays.equals(masked, net)) {
      throw bad(
          list,
          entry,
          "host bits are set; the block is " + Addresses.text(Addresses.of(masked)) + "/" + prefix);
    }
    if (prefix == 0) {
      throw bad(list, entry, "a /0 block matches every address; use network mode 'all' instead");
    }
    if (prefix == max) {
      byte[] bytes = Addresses.canonical(literal.get()).getAddress();
      return new NetworkRule(entry, Kind.ADDRESS, null, bytes, bytes.length * 8, ports);
    }
    if (net.length == 16
        && prefix >= 96
        && Addresses.canonical(literal.get()).getAddress().length == 4) {
      // ::ffff:a.b.c.d/N is an IPv4 block: addresses are judged in their IPv4 form
      return new NetworkRule(
          entry, Kind.CIDR, null, Arrays.copyOfRange(net, 12, 16), prefix - 96, ports);
    }
    return new NetworkRule(entry, Kind.CIDR, null, net, prefix, ports);
  }

  private static Set<Integer> ports(String list, String entry, String port, boolean deny) {
    if (port == null) {
      return deny ? Set.of() : DEFAULT_PORTS;
    }
    if (port.equals("*")) {
      return Set.of();
    }
    if (!port.matches("[0-9]{1,5}")) {
      throw bad(list, entry, "port '" + port + "' is not a number (or '*' for every port)");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      throw bad(list, entry, "port " + p + " is not in 1..65535");
    }
    return Set.of(p);
  }

  private static void checkName(String list, String entry, String name) {
    if (name.isEmpty() || name.length() > 253) {
      throw bad(list, entry, "a host name has 1 to 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()) {
        throw bad(list, entry, "empty label in '" + name + "'");
      }
      if (label.length() > 63) {
        throw bad(list, entry, "label '" + label + "' is longer than 63 characters");
      }
      if (!label.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?")) {
        throw bad(
            list,
            entry,
            "'"
                + label
                + "' is not a host name label (letters, digits, '-', '_'; write"
                + " international names in their xn-- form)");
      }
    }
  }

  private static SandboxException bad(String list, String entry, String why) {
    return SandboxException.invalid(list + " entry '" + entry + "': " + why);
  }

  /** The entry as written. */
  public String entry() {
    return entry;
  }

  public Kind kind() {
    return kind;
  }

  /** The ports this entry covers, ascending; empty means every port. */
  public Set<Integer> ports() {
    return new TreeSet<>(ports);
  }

  boolean coversPort(int port) {
    return ports.isEmpty() || ports.contains(port);
  }

  /** Whether this entry names the host (a name, or the literal the client gave). */
  boolean matchesHost(String normalizedName, InetAddress literal) {
    return switch (kind) {
      case NAME -> literal == null && name.equals(normalizedName);
      case WILDCARD -> literal == null && normalizedName.endsWith(name);
      case LOCALHOST ->
          literal == null ? normalizedName.equals("localhost") : isLocalhostAddress(literal);
      case ADDRESS, CIDR -> literal != null && coversAddress(literal);
    };
  }

  /**
   * Whether this entry is an address or block covering {@code address} (canonical form) or the IPv4
   * address it embeds, or is {@code localhost} and the address is 127.0.0.1 or ::1.
   */
  boolean coversAddress(InetAddress address) {
    if (kind == Kind.LOCALHOST) {
      return isLocalhostAddress(address);
    }
    if (kind != Kind.ADDRESS && kind != Kind.CIDR) {
      return false;
    }
    if (Addresses.contains(network, prefix, address.getAddress())) {
      return true;
    }
    return Addresses.embeddedV4(address)
        .map(v4 -> Addresses.contains(network, prefix, v4.getAddress()))
        .orElse(false);
  }

  private static boolean isLocalhostAddress(InetAddress address) {
    byte[] b = address.getAddress();
    return Arrays.equals(b, LOOPBACK_V4.getAddress()) || Arrays.equals(b, LOOPBACK_V6.getAddress());
  }

  /** The addresses {@code localhost} stands for, in the order they are tried. */
  static List<InetAddress> localhostAddresses() {
    return List.of(LOOPBACK_V4, LOOPBACK_V6);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkRule r && r.entry.equals(entry) && r.kind == kind;
  }

  @Override
  public int hashCode() {
    return entry.hashCode();
  }

  @Override
  public String toString() {
    return entry;
  }
}
