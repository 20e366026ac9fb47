package io.sandbox4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {

  private static InetAddress literal(String s) {
    return Addresses.parseLiteral(s).orElseThrow(() -> new AssertionError("not a literal: " + s));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0.0.0.0            | unspecified (0.0.0.0/8)",
        "0.1.2.3            | unspecified (0.0.0.0/8)",
        "127.0.0.1          | loopback",
        "127.255.255.254    | loopback",
        "10.0.0.1           | private",
        "172.16.0.1         | private",
        "172.31.255.255     | private",
        "192.168.1.1        | private",
        "100.64.0.1         | shared address space (100.64.0.0/10, CGNAT)",
        "100.127.255.255    | shared address space (100.64.0.0/10, CGNAT)",
        "169.254.169.254    | link-local (cloud metadata service)",
        "169.254.1.1        | link-local",
        "224.0.0.1          | multicast",
        "239.255.255.250    | multicast",
        "255.255.255.255    | broadcast",
        "240.0.0.1          | reserved (240.0.0.0/4)",
        "192.0.0.170        | IETF protocol assignments (192.0.0.0/24)",
        "198.18.0.1         | benchmarking (198.18.0.0/15)",
        "::                 | unspecified",
        "::1                | loopback",
        "[::1]              | loopback",
        "fe80::1            | link-local",
        "febf::1            | link-local",
        "fec0::1            | site-local (fec0::/10)",
        "fc00::1            | unique local (fc00::/7)",
        "fd12:3456::1       | unique local (fc00::/7)",
        "ff02::1            | multicast",
        "::ffff:127.0.0.1   | loopback",
        "::ffff:7f00:1      | loopback",
        "::ffff:169.254.169.254 | link-local (cloud metadata service)",
        "::127.0.0.1        | loopback",
        "::10.1.2.3         | private",
        "64:ff9b::127.0.0.1 | loopback, embedded in 64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe | link-local (cloud metadata service), embedded in 64:ff9b::a9fe:a9fe",
        "64:ff9b:1::10.0.0.1 | private, embedded in 64:ff9b:1::a00:1",
        "2002:7f00:1::      | loopback, embedded in 2002:7f00:1::",
        "2002:c0a8:101::1   | private, embedded in 2002:c0a8:101::1",
        "::ffff:0:127.0.0.1 | loopback, embedded in ::ffff:0:7f00:1",
        "::ffff:0:a9fe:a9fe | link-local (cloud metadata service), embedded in ::ffff:0:a9fe:a9fe",
        "192.0.2.1          | documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)",
        "198.51.100.255     | documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)",
        "203.0.113.7        | documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)",
        "::ffff:192.0.2.1   | documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)",
        "2001:db8::1        | documentation (2001:db8::/32, 3fff::/20)",
        "3fff:fff::1        | documentation (2001:db8::/32, 3fff::/20)",
        "100::1             | discard-only (100::/64)",
      })
  void specialAddressesAreClassified(String address, String expected) {
    InetAddress a = Addresses.canonical(literal(address.strip()));
    assertThat(Addresses.specialClass(a)).contains(expected.strip());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.1.1",
        "9.255.255.255",
        "11.0.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.167.1.1",
        "100.63.255.255",
        "100.128.0.0",
        "169.253.1.1",
        "223.255.255.255",
        "2001:db9::1",
        "3fff:1000::1",
        "100:0:0:1::1",
        "::fffe:0:7f00:1",
        "192.0.3.1",
        "198.51.101.1",
        "203.0.112.1",
        "2606:4700::1111",
        "fe00::1",
        "64:ff9b::808:808",
        "2002:808:808::1"
      })
  void publicAddressesAreNotSpecial(String address) {
    assertThat(Addresses.specialClass(Addresses.canonical(literal(address)))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "::ffff:127.0.0.1, 127.0.0.1",
    "::127.0.0.1, 127.0.0.1",
    "::1, ::1",
    "1.2.3.4, 1.2.3.4"
  })
  void mappedAndCompatibleFormsBecomeTheIpv4AddressTheyReach(String in, String canonical) {
    assertThat(Addresses.text(Addresses.canonical(literal(in)))).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.1",
        "0x7f.0.0.1",
        "2130706433",
        "017.0.0.1",
        "1.2.3.256",
        "1.2.3",
        "1.2.3.4.",
        "localhost",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "fe80::1%eth0",
        "::ffff:1.2.3",
        "12345::",
        "[::1",
        ""
      })
  void onlyStrictLiteralsAreLiterals(String text) {
    assertThat(Addresses.parseLiteral(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "1::8, 1::8",
    "::, ::",
    "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "::1.2.3.4, 1.2.3.4"
  })
  void ipv6LiteralsParseAndPrintCompressed(String in, String out) {
    assertThat(Addresses.text(Addresses.canonical(literal(in)))).isEqualTo(out);
  }
}
