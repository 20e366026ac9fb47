package io.sandbox4j.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * IP literals and address classes, without ever asking a resolver: literals are parsed here (the
 * JDK's parser would fall back to DNS for anything it does not recognise), and IPv6 forms that
 * carry an IPv4 address are unwrapped before the address is judged.
 */
final class Addresses {
  private Addresses() {}

  /**
   * A strict IP literal: four decimal octets without leading zeros, or an IPv6 address (optionally
   * in brackets, no zone). Anything else (names, {@code 127.1}, {@code 0x7f.0.0.1}) is empty.
   */
  static Optional<InetAddress> parseLiteral(String text) {
    String s = text;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    byte[] bytes = s.contains(":") ? parseV6(s) : parseV4(s);
    if (bytes == null) {
      return Optional.empty();
    }
    return Optional.of(of(bytes));
  }

  /** An address from raw bytes (4 or 16), never a lookup; IPv4-mapped bytes stay IPv6 here. */
  static InetAddress of(byte[] bytes) {
    try {
      if (bytes.length == 16) {
        return Inet6Address.getByAddress(null, bytes, -1);
      }
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + Arrays.toString(bytes), e);
    }
  }

  static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  static byte[] parseV6(String s) {
    if (s.isEmpty() || s.indexOf('%') >= 0) {
      return null;
    }
    byte[] out = new byte[16];
    String head = s;
    String tail = null;
    int dc = s.indexOf("::");
    if (dc >= 0) {
      if (s.indexOf("::", dc + 1) >= 0) {
        return null;
      }
      head = s.substring(0, dc);
      tail = s.substring(dc + 2);
    }
    int[] h = groups(head, tail == null);
    int[] t = tail == null ? new int[0] : groups(tail, true);
    if (h == null || t == null) {
      return null;
    }
    if (tail == null ? h.length != 16 : h.length + t.length > 14) {
      return null;
    }
    System.arraycopy(toBytes(h), 0, out, 0, h.length);
    System.arraycopy(toBytes(t), 0, out, 16 - t.length, t.length);
    return out;
  }

  /** Hex groups (and an IPv4 tail when allowed) as a byte count array of values 0..255. */
  private static int[] groups(String part, boolean mayEndInV4) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] gs = part.split(":", -1);
    int[] out = new int[gs.length * 2 + 2];
    int n = 0;
    for (int i = 0; i < gs.length; i++) {
      String g = gs[i];
      if (i == gs.length - 1 && mayEndInV4 && g.contains(".")) {
        byte[] v4 = parseV4(g);
        if (v4 == null) {
          return null;
        }
        for (byte b : v4) {
          out[n++] = b & 0xff;
        }
        continue;
      }
      if (g.isEmpty() || g.length() > 4) {
        return null;
      }
      int v;
      try {
        v = Integer.parseInt(g, 16);
      } catch (NumberFormatException e) {
        return null;
      }
      if (g.startsWith("+") || g.startsWith("-")) {
        return null;
      }
      out[n++] = v >> 8;
      out[n++] = v & 0xff;
    }
    return Arrays.copyOf(out, n);
  }

  private static byte[] toBytes(int[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /**
   * The IPv4 address an IPv6 form carries: IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-compatible
   * ({@code ::a.b.c.d}), IPv4-translated ({@code ::ffff:0:a.b.c.d}), NAT64 ({@code 64:ff9b::/96},
   * {@code 64:ff9b:1::/48}) and 6to4 ({@code 2002::/16}); empty for every other address.
   */
  static Optional<Inet4Address> embeddedV4(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length != 16) {
      return Optional.empty();
    }
    boolean zero80 = allZero(b, 0, 10);
    if (zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return Optional.of(v4(b, 12)); // IPv4-mapped
    }
    if (zero80 && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 14)) {
      return Optional.of(v4(b, 12)); // IPv4-compatible (:: and ::1 excluded)
    }
    if (allZero(b, 0, 8)
        && (b[8] & 0xff) == 0xff
        && (b[9] & 0xff) == 0xff
        && b[10] == 0
        && b[11] == 0) {
      return Optional.of(v4(b, 12)); // IPv4-translated (SIIT, ::ffff:0:a.b.c.d)
    }
    if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      if (allZero(b, 4, 12)) {
        return Optional.of(v4(b, 12)); // NAT64 well-known prefix
      }
      if (b[4] == 0 && b[5] == 1) {
        return Optional.of(v4(b, 12)); // local-use NAT64 (RFC 8215), /96 inside it
      }
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return Optional.of(v4(b, 2)); // 6to4
    }
    return Optional.empty();
  }

  /**
   * The address to judge and connect to: IPv4-mapped and IPv4-compatible forms become the IPv4
   * address itself (that is what a socket reaches); every other address stays as it is.
   */
  static InetAddress canonical(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16 && allZero(b, 0, 10)) {
      if (((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff)
          || (b[10] == 0 && b[11] == 0 && !allZero(b, 12, 14))) {
        return v4(b, 12);
      }
    }
    return of(b);
  }

  /**
   * Why an address is special (not a public unicast address), or empty when it is public. The
   * address is judged together with the IPv4 address it embeds, if any: the more special wins.
   */
  static Optional<String> specialClass(InetAddress address) {
    Optional<String> own = ownClass(address.getAddress());
    if (own.isPresent()) {
      return own;
    }
    return embeddedV4(address)
        .flatMap(v4 -> ownClass(v4.getAddress()).map(c -> c + ", embedded in " + text(address)));
  }

  private static Optional<String> ownClass(byte[] b) {
    if (b.length == 4) {
      int a0 = b[0] & 0xff;
      int a1 = b[1] & 0xff;
      if (a0 == 0) {
        return Optional.of("unspecified (0.0.0.0/8)");
      }
      if (a0 == 127) {
        return Optional.of("loopback");
      }
      if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
        return Optional.of("private");
      }
      if (a0 == 100 && (a1 & 0xc0) == 64) {
        return Optional.of("shared address space (100.64.0.0/10, CGNAT)");
      }
      if (a0 == 169 && a1 == 254) {
        return Optional.of(
            (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254
                ? "link-local (cloud metadata service)"
                : "link-local");
      }
      if (a0 == 192 && a1 == 0 && b[2] == 0) {
        return Optional.of("IETF protocol assignments (192.0.0.0/24)");
      }
      if (a0 == 198 && (a1 & 0xfe) == 18) {
        return Optional.of("benchmarking (198.18.0.0/15)");
      }
      if ((a0 == 192 && a1 == 0 && b[2] == 2)
          || (a0 == 198 && a1 == 51 && (b[2] & 0xff) == 100)
          || (a0 == 203 && a1 == 0 && (b[2] & 0xff) == 113)) {
        // not globally reachable (IANA): where one is in use, it is a local network's
        return Optional.of("documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)");
      }
      if (a0 >= 224 && a0 <= 239) {
        return Optional.of("multicast");
      }
      if (a0 == 255 && a1 == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255) {
        return Optional.of("broadcast");
      }
      if (a0 >= 240) {
        return Optional.of("reserved (240.0.0.0/4)");
      }
      return Optional.empty();
    }
    if (allZero(b, 0, 16)) {
      return Optional.of("unspecified");
    }
    if (allZero(b, 0, 15) && b[15] == 1) {
      return Optional.of("loopback");
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of("link-local");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return Optional.of("site-local (fec0::/10)");
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of("unique local (fc00::/7)");
    }
    if (b0 == 0xff) {
      return Optional.of("multicast");
    }
    if ((b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8)
        || (b0 == 0x3f && b1 == 0xff && (b[2] & 0xf0) == 0)) {
      return Optional.of("documentation (2001:db8::/32, 3fff::/20)");
    }
    if (b0 == 0x01 && b1 == 0 && allZero(b, 2, 8)) {
      return Optional.of("discard-only (100::/64)");
    }
    return Optional.empty();
  }

  /** Whether {@code address} lies in {@code network}/{@code prefix} (same family only). */
  static boolean contains(byte[] network, int prefix, byte[] address) {
    if (network.length != address.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (network[i] != address[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (network[full] & mask) == (address[full] & mask);
  }

  /** The address as a literal, IPv6 compressed, no host name and no lookup. */
  static String text(InetAddress address) {
    String s = address.getHostAddress();
    if (address instanceof Inet6Address) {
      // Compress the longest run of zero groups, as RFC 5952 asks.
      String[] g = s.split(":");
      int bestStart = -1;
      int bestLen = 1;
      for (int i = 0; i < g.length; ) {
        if (g[i].equals("0")) {
          int j = i;
          while (j < g.length && g[j].equals("0")) {
            j++;
          }
          if (j - i > bestLen) {
            bestStart = i;
            bestLen = j - i;
          }
          i = j;
        } else {
          i++;
        }
      }
      if (bestStart < 0) {
        return s;
      }
      String left = String.join(":", Arrays.copyOfRange(g, 0, bestStart));
      String right = String.join(":", Arrays.copyOfRange(g, bestStart + bestLen, g.length));
      return left + "::" + right;
    }
    return s;
  }

  private static Inet4Address v4(byte[] b, int offset) {
    return (Inet4Address) of(Arrays.copyOfRange(b, offset, offset + 4));
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
