package io.sandbox4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkRulesTest {

  /** A resolver that knows a few names and counts how often it was asked. */
  static final class FakeResolver implements HostResolver {
    final Map<String, List<InetAddress>> names = new HashMap<>();
    int asked;

    FakeResolver with(String name, String... addresses) {
      names.put(
          name,
          Arrays.stream(addresses).map(a -> Addresses.parseLiteral(a).orElseThrow()).toList());
      return this;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      asked++;
      List<InetAddress> a = names.get(host);
      if (a == null) {
        throw new UnknownHostException(host);
      }
      return a;
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "example.com           | NAME      | [80, 443]",
        "Example.COM.          | NAME      | [80, 443]",
        "example.com:8080      | NAME      | [8080]",
        "example.com:*         | NAME      | []",
        "*.example.com         | WILDCARD  | [80, 443]",
        "*.example.com:443     | WILDCARD  | [443]",
        "localhost:5432        | LOCALHOST | [5432]",
        "192.0.2.7             | ADDRESS   | [80, 443]",
        "192.0.2.7:22          | ADDRESS   | [22]",
        "::1                   | ADDRESS   | [80, 443]",
        "[::1]                 | ADDRESS   | [80, 443]",
        "[::1]:8080            | ADDRESS   | [8080]",
        "[::ffff:127.0.0.1]:80 | ADDRESS   | [80]",
        "10.0.0.0/8            | CIDR      | [80, 443]",
        "10.0.0.0/8:5432       | CIDR      | [5432]",
        "192.0.2.7/32          | ADDRESS   | [80, 443]",
        "fd00::/8              | CIDR      | [80, 443]",
        "[fd00::]/8:443        | CIDR      | [443]",
        "under_score.example   | NAME      | [80, 443]",
      })
  void goodEntriesParse(String entry, NetworkRule.Kind kind, String ports) {
    NetworkRule r = NetworkRule.parse(entry.strip(), false);
    assertThat(r.kind()).isEqualTo(kind);
    assertThat(r.ports().toString()).isEqualTo(ports.strip());
    assertThat(r.entry()).isEqualTo(entry.strip());
  }

  @Test
  void aDenyEntryWithoutPortCoversEveryPort() {
    assertThat(NetworkRule.parse("evil.example", true).ports()).isEmpty();
    assertThat(NetworkRule.parse("evil.example:25", true).ports()).containsExactly(25);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | entry is empty",
        "*                   | '*' alone matches everything",
        "*.com               | would match a whole top-level domain",
        "foo.*.com           | only allowed as the first label",
        "*example.com        | only allowed as the first label",
        ".example.com        | write '*.example.com'",
        "example.com:0       | port 0 is not in 1..65535",
        "example.com:65536   | port 65536 is not in 1..65535",
        "example.com:http    | port 'http' is not a number",
        "example.com:        | port '' is not a number",
        "exa mple.com        | is not a host name label",
        "-bad.example        | is not a host name label",
        "a..b                | empty label",
        "bücher.example      | xn-- form",
        "127.1               | not a valid IPv4 address",
        "1.2.3.256           | not a valid IPv4 address",
        "0x7f000001          | not a valid IPv4 address",
        "0x7f.0.0.1          | not a valid IPv4 address",
        "2130706433:80       | not a valid IPv4 address",
        "*.example.0x        | not a valid IPv4 address",
        "\u212Aample.com     | character U+212A at position 1 is not allowed",
        "exam\u00A0ple.com   | character U+00A0 at position 5",
        "[::1                | '[' without ']'",
        "[::1]x              | expected ':PORT' after ']'",
        "10.0.0.1/8          | host bits are set; the block is 10.0.0.0/8",
        "10.0.0.0/33         | prefix length 33 is not in 0..32",
        "10.0.0.0/x          | prefix length 'x' is not a number",
        "0.0.0.0/0           | use network mode 'all'",
        "example.com/8       | 'example.com' before '/' is not an IP address",
        "fd00::1/8           | host bits are set; the block is fd00::/8",
      })
  void badEntriesAreRefusedNamingTheEntry(String entry, String why) {
    assertThatThrownBy(() -> NetworkRules.parse(List.of("ok.example", entry), List.of()))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("network allow-list entry")
        .hasMessageContaining(entry.isEmpty() ? "" : "'" + entry + "'")
        .hasMessageContaining(why.strip());
  }

  @Test
  void controlCharactersAreRefusedAndNotPrinted() {
    for (String entry : List.of("a.com\u0000", "\u0000a.com", "a.com\u001b[31m", "a.c\u009bom")) {
      assertThatThrownBy(() -> NetworkRules.parse(List.of(entry), List.of()))
          .isInstanceOfSatisfying(
              SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
          .hasMessageContaining("is not allowed (printable ASCII only")
          .hasMessageNotContaining("\u0000")
          .hasMessageNotContaining("\u001b")
          .hasMessageNotContaining("\u009b");
    }
  }

  @Test
  void aBadDenyEntryNamesTheDenyList() {
    assertThatThrownBy(() -> NetworkRules.parse(List.of(), List.of("*")))
        .hasMessageStartingWith("network deny-list entry '*'");
  }

  private static final FakeResolver DNS =
      new FakeResolver()
          .with("example.com", "93.184.216.34", "2606:2800:220:1::1")
          .with("api.example.com", "93.184.216.35")
          .with("deep.api.example.com", "93.184.216.36")
          .with("evil.example.com", "203.0.113.66")
          .with("rebind.example", "127.0.0.1")
          .with("mapped.example", "::ffff:127.0.0.1")
          .with("metadata.example", "169.254.169.254")
          .with("nat64.example", "64:ff9b::a9fe:a9fe")
          .with("private.example", "10.1.2.3")
          .with("mixed.example", "127.0.0.1", "93.184.216.40")
          .with("self.example", "93.184.216.9")
          .with("registry.corp", "10.9.8.7")
          .with("gateway.example", "192.0.2.1", "2001:db8::1")
          .with("siit.example", "::ffff:0:127.0.0.1");

  private static final NetworkRules RULES =
      NetworkRules.parse(
          List.of(
              "example.com",
              "*.example.com",
              "api.example.com:8443",
              "192.0.2.7",
              "[2001:db8::7]:8080",
              "203.0.113.0/24:22",
              "localhost:5432",
              "127.0.0.1:9000",
              "rebind.example",
              "mapped.example",
              "metadata.example",
              "nat64.example",
              "private.example",
              "mixed.example",
              "self.example",
              "registry.corp",
              "gateway.example",
              "siit.example",
              "10.9.0.0/16:443"),
          List.of("evil.example.com", "203.0.113.66", "192.0.2.0/24:443"));

  @ParameterizedTest(name = "{0}:{1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // host                | port | allowed | rule                | reason contains
        //           | addresses
        "example.com           | 443  | true    | example.com         | allowed by 'example.com'              | 93.184.216.34 2606:2800:220:1::1",
        "EXAMPLE.com.          | 80   | true    | example.com         | allowed by                            | 93.184.216.34 2606:2800:220:1::1",
        "example.com           | 8080 | false   |                     | port 8080 is not allowed (the entry 'example.com' allows ports 80, 443) |",
        "api.example.com       | 443  | true    | *.example.com       | allowed by '*.example.com'            | 93.184.216.35",
        "api.example.com       | 8443 | true    | api.example.com:8443 | allowed by                           | 93.184.216.35",
        "deep.api.example.com  | 443  | true    | *.example.com       | allowed by                            | 93.184.216.36",
        "evil.example.com      | 443  | false   | evil.example.com    | denied by 'evil.example.com'          |",
        "evil.example.com      | 22   | false   | evil.example.com    | denied by 'evil.example.com'          |",
        "unlisted.test         | 443  | false   |                     | not in the allow-list                 |",
        "example.org           | 443  | false   |                     | not in the allow-list                 |",
        "notexample.com        | 443  | false   |                     | not in the allow-list                 |",
        "192.0.2.7             | 80   | true    | 192.0.2.7           | allowed by '192.0.2.7'                | 192.0.2.7",
        "192.0.2.7             | 443  | false   | 192.0.2.0/24:443    | denied by '192.0.2.0/24:443'          |",
        "192.0.2.8             | 80   | false   |                     | not in the allow-list                 |",
        "[2001:db8::7]         | 8080 | true    | [2001:db8::7]:8080  | allowed by                            | 2001:db8::7",
        "2001:db8::7           | 8080 | true    | [2001:db8::7]:8080  | allowed by                            | 2001:db8::7",
        "203.0.113.5           | 22   | true    | 203.0.113.0/24:22   | allowed by                            | 203.0.113.5",
        "203.0.113.66          | 22   | false   | 203.0.113.66        | denied by '203.0.113.66'              |",
        "localhost             | 5432 | true    | localhost:5432      | allowed by                            | 127.0.0.1 ::1",
        "127.0.0.1             | 5432 | true    | localhost:5432      | allowed by                            | 127.0.0.1",
        "::ffff:127.0.0.1      | 9000 | true    | 127.0.0.1:9000      | allowed by                            | 127.0.0.1",
        "localhost             | 80   | false   |                     | port 80 is not allowed                |",
        "127.0.0.1             | 80   | false   |                     | port 80 is not allowed (the entry 'localhost:5432' allows ports 5432) |",
        "127.0.0.2             | 5432 | false   |                     | not in the allow-list                 |",
        "169.254.169.254       | 80   | false   |                     | not in the allow-list                 |",
        "rebind.example        | 443  | false   |                     | 127.0.0.1 is loopback, which only an entry naming that address | 127.0.0.1",
        "mapped.example        | 443  | false   |                     | 127.0.0.1 is loopback                 | 127.0.0.1",
        "metadata.example      | 80   | false   |                     | 169.254.169.254 is link-local (cloud metadata service) | 169.254.169.254",
        "nat64.example         | 80   | false   |                     | embedded in 64:ff9b::a9fe:a9fe        | 64:ff9b::a9fe:a9fe",
        "private.example       | 443  | false   |                     | 10.1.2.3 is private                   | 10.1.2.3",
        "mixed.example         | 443  | true    | mixed.example       | allowed by                            | 93.184.216.40",
        "self.example          | 443  | false   |                     | 93.184.216.9 is an address of this host | 93.184.216.9",
        "registry.corp         | 443  | true    | registry.corp       | allowed by 'registry.corp'            | 10.9.8.7",
        "registry.corp         | 80   | false   |                     | 10.9.8.7 is private                   | 10.9.8.7",
        "gateway.example       | 80   | false   |                     | 192.0.2.1 is documentation            | 192.0.2.1",
        "siit.example          | 443  | false   |                     | loopback, embedded in ::ffff:0:7f00:1 | ::ffff:0:7f00:1",
        "bad host              | 80   | false   |                     | is not a host name or IP address      |",
        "example.com           | 0    | false   |                     | port 0 is not in 1..65535             |",
      })
  void decisions(
      String host, int port, boolean allowed, String rule, String reason, String addresses)
      throws UnknownHostException {
    Decision d =
        RULES.decide(
            host.strip(), port, DNS, Set.of(Addresses.parseLiteral("93.184.216.9").orElseThrow()));
    assertThat(d.allowed()).as(d.toString()).isEqualTo(allowed);
    assertThat(d.ruleEntry().orElse(null)).as(d.toString()).isEqualTo(rule);
    assertThat(d.reason()).contains(reason.strip());
    String expected = addresses == null ? "" : addresses.strip();
    assertThat(String.join(" ", d.addresses().stream().map(Addresses::text).toList()))
        .isEqualTo(expected);
  }

  @Test
  void namesNotInTheAllowListAreNeverResolvedAndLocalhostNeverIs() throws UnknownHostException {
    FakeResolver dns = new FakeResolver().with("localhost", "203.0.113.1");
    NetworkRules rules = NetworkRules.parse(List.of("localhost"), List.of());
    rules.decide("unlisted.example", 443, dns, Set.of());
    Decision d = rules.decide("localhost", 443, dns, Set.of());
    assertThat(dns.asked).isZero();
    assertThat(d.addresses()).extracting(Addresses::text).containsExactly("127.0.0.1", "::1");
  }

  @Test
  void anAllowedNameThatDoesNotResolveIsAnErrorNotADecision() {
    NetworkRules rules = NetworkRules.parse(List.of("gone.example"), List.of());
    assertThatThrownBy(() -> rules.decide("gone.example", 443, new FakeResolver(), Set.of()))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void aWildcardDoesNotMatchItsOwnApex() throws UnknownHostException {
    NetworkRules rules = NetworkRules.parse(List.of("*.example.com"), List.of());
    assertThat(rules.decide("example.com", 443, DNS, Set.of()).allowed()).isFalse();
    assertThat(rules.decide("api.example.com", 443, DNS, Set.of()).allowed()).isTrue();
  }

  @Test
  void theDenyListWinsOverTheAllowListForNamesAndAddresses() throws UnknownHostException {
    NetworkRules rules =
        NetworkRules.parse(
            List.of("*.example.com", "93.184.216.0/24"),
            List.of("api.example.com", "93.184.216.36"));
    assertThat(rules.decide("api.example.com", 443, DNS, Set.of()).ruleEntry())
        .contains("api.example.com");
    Decision deep = rules.decide("deep.api.example.com", 443, DNS, Set.of());
    assertThat(deep.allowed()).isFalse();
    assertThat(deep.ruleEntry()).contains("93.184.216.36");
    assertThat(deep.reason()).isEqualTo("resolves to 93.184.216.36, denied by '93.184.216.36'");
  }

  @Test
  void theHostsOwnAddressesIncludeLoopbackAndAreRefusedBehindAListedName() throws Exception {
    Set<InetAddress> own = NetworkRules.hostAddresses();
    assertThat(own).contains(Addresses.parseLiteral("127.0.0.1").orElseThrow());
    InetAddress publicOwn =
        own.stream().filter(a -> Addresses.specialClass(a).isEmpty()).findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        publicOwn != null,
        "this host has no interface address outside the special ranges to test with: " + own);
    FakeResolver dns = new FakeResolver().with("self.test", Addresses.text(publicOwn));
    Decision d =
        NetworkRules.parse(List.of("self.test"), List.of()).decide("self.test", 443, dns, own);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).contains("is an address of this host");
  }

  @Test
  void aCidrEntryPermitsTheSpecialAddressesItCovers() throws UnknownHostException {
    NetworkRules rules = NetworkRules.parse(List.of("::ffff:127.0.0.0/104"), List.of());
    assertThat(rules.decide("127.0.0.2", 443, DNS, Set.of()).allowed()).isTrue();
    assertThat(rules.decide("::ffff:127.0.0.2", 443, DNS, Set.of()).allowed()).isTrue();
  }
}
