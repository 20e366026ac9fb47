package io.sandbox4j.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.proxy.NetworkEvent.Outcome;
import io.sandbox4j.proxy.NetworkRulesTest.FakeResolver;
import io.sandbox4j.proxy.ProxyClient.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** End to end, through both listeners, to destinations the test starts on 127.0.0.1. */
@Timeout(30)
class NetworkProxyTest {
  @TempDir Path dir;
  LoopbackServers servers;
  FakeResolver dns;
  final List<NetworkProxy> proxies = new ArrayList<>();
  final List<NetworkEvent> heard = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServers() throws IOException {
    servers = new LoopbackServers();
    dns =
        new FakeResolver()
            .with("echo.test", "127.0.0.1")
            .with("rebind.test", "127.0.0.1")
            .with("metadata.test", "169.254.169.254");
  }

  @AfterEach
  void stopAll() throws IOException {
    proxies.forEach(NetworkProxy::close);
    servers.close();
  }

  NetworkProxy proxy(ProxyLimits limits, String... allow) {
    NetworkProxy p =
        NetworkProxy.builder(NetworkRules.parse(List.of(allow), List.of("deny.test")))
            .resolver(dns)
            .hostAddresses(Set.of())
            .limits(limits)
            .listener(heard::add)
            .unixSocket(dir.resolve("proxy-" + proxies.size() + ".sock"))
            .tcpLoopback(0)
            .start();
    proxies.add(p);
    return p;
  }

  NetworkProxy proxy(String... allow) {
    return proxy(ProxyLimits.DEFAULT, allow);
  }

  static List<NetworkEvent> awaitEvents(NetworkProxy p, int n) throws InterruptedException {
    for (int i = 0; i < 100 && p.events().size() < n; i++) {
      Thread.sleep(50);
    }
    assertThat(p.events()).hasSize(n);
    return p.events();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectTunnelsBytesUntouchedToAnAllowedLoopbackListener(Transport t) throws Exception {
    int port = servers.echoPort();
    NetworkProxy p = proxy("127.0.0.1:" + port);
    byte[] payload = new byte[200_000];
    new Random(7).nextBytes(payload);
    try (ProxyClient c = new ProxyClient(p, t)) {
      c.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
      assertThat(c.head()).startsWith("HTTP/1.1 200 ");
      c.send(payload);
      assertThat(c.read(payload.length)).isEqualTo(payload);
    }
    NetworkEvent e = awaitEvents(p, 1).get(0);
    assertThat(e.protocol()).isEqualTo("CONNECT");
    assertThat(e.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(e.destination()).isEqualTo("127.0.0.1:" + port);
    assertThat(e.address()).contains("127.0.0.1");
    assertThat(e.rule()).contains("127.0.0.1:" + port);
    assertThat(e.bytesToDestination()).isEqualTo(payload.length);
    assertThat(e.bytesFromDestination()).isEqualTo(payload.length);
    assertThat(e.end()).isAfterOrEqualTo(e.start());
    assertThat(heard).containsExactly(e);
  }

  @Test
  void localhostAndIpv6LoopbackEntriesReachTheirListeners() throws Exception {
    int port = servers.echoPort();
    java.net.ServerSocket v6;
    try {
      v6 = new java.net.ServerSocket(0, 5, InetAddress.getByName("::1"));
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort("this host has no IPv6 loopback (::1): " + e);
      return;
    }
    try (v6) {
      Thread accept =
          new Thread(
              () -> {
                try (var s = v6.accept()) {
                  s.getOutputStream().write(s.getInputStream().read());
                } catch (IOException e) {
                  // the test fails on its own read
                }
              });
      accept.setDaemon(true);
      accept.start();
      NetworkProxy p = proxy("localhost:" + port, "[::1]:" + v6.getLocalPort());
      try (ProxyClient c = new ProxyClient(p, Transport.UNIX)) {
        c.send("CONNECT localhost:" + port + " HTTP/1.1\r\n\r\n");
        assertThat(c.head()).startsWith("HTTP/1.1 200 ");
        c.send("L");
        assertThat(c.read(1)).containsExactly('L');
      }
      try (ProxyClient c = new ProxyClient(p, Transport.UNIX)) {
        c.send("CONNECT [::1]:" + v6.getLocalPort() + " HTTP/1.1\r\n\r\n");
        assertThat(c.head()).startsWith("HTTP/1.1 200 ");
        c.send("6");
        assertThat(c.read(1)).containsExactly('6');
      }
      List<NetworkEvent> events = awaitEvents(p, 2);
      assertThat(events)
          .extracting(NetworkEvent::destination)
          .containsExactlyInAnyOrder("localhost:" + port, "[::1]:" + v6.getLocalPort());
      assertThat(events).extracting(e -> e.address().orElseThrow()).contains("127.0.0.1", "::1");
    }
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheProxyOrLoseTheEvent() throws Exception {
    NetworkProxy p =
        NetworkProxy.builder(NetworkRules.parse(List.of("a.test"), List.of()))
            .listener(
                e -> {
                  throw new IllegalStateException("listener failure");
                })
            .tcpLoopback(0)
            .start();
    proxies.add(p);
    for (int i = 0; i < 2; i++) {
      try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
        c.send("CONNECT b.test:443 HTTP/1.1\r\n\r\n");
        assertThat(c.readAll()).startsWith("HTTP/1.1 403 ");
      }
    }
    assertThat(awaitEvents(p, 2)).extracting(NetworkEvent::host).containsOnly("b.test");
  }

  @Test
  void bytesSentWithTheConnectRequestReachTheDestinationFirst() throws Exception {
    int port = servers.echoPort();
    NetworkProxy p = proxy("127.0.0.1:" + port);
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\n\r\neager");
      assertThat(c.head()).startsWith("HTTP/1.1 200 ");
      assertThat(new String(c.read(5), US_ASCII)).isEqualTo("eager");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void plainHttpIsForwardedWithoutHopByHopHeaders(Transport t) throws Exception {
    int port = servers.httpPort();
    NetworkProxy p = proxy("127.0.0.1:" + port);
    String response;
    try (ProxyClient c = new ProxyClient(p, t)) {
      c.send(
          "POST http://127.0.0.1:"
              + port
              + "/hello?x=1 HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
              + "Connection: keep-alive, X-Drop\r\nX-Drop: 1\r\nX-Keep: 2\r\n"
              + "Content-Length: 3\r\n\r\nabc");
      response = c.readAll();
    }
    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("hello /hello?x=1 3");
    assertThat(servers.httpPaths).containsExactly("/hello?x=1");
    var headers = servers.httpRequests.get(0);
    assertThat(headers).containsKey("X-keep").containsEntry("Connection", List.of("close"));
    assertThat(headers)
        .doesNotContainKeys("Proxy-connection", "Proxy-authorization", "X-drop", "Keep-alive");
    NetworkEvent e = awaitEvents(p, 1).get(0);
    assertThat(e.protocol()).isEqualTo("HTTP");
    assertThat(e.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(e.bytesToDestination()).isGreaterThan(50);
    assertThat(e.bytesFromDestination()).isEqualTo(response.length());
  }

  @Test
  void aMissingHostHeaderIsAddedAndAMismatchIsRefused() throws Exception {
    int port = servers.httpPort();
    NetworkProxy p = proxy("127.0.0.1:" + port);
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("GET http://127.0.0.1:" + port + "/a HTTP/1.0\r\n\r\n");
      assertThat(c.readAll()).startsWith("HTTP/1.1 200 ");
    }
    assertThat(servers.httpRequests.get(0)).containsEntry("Host", List.of("127.0.0.1:" + port));
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("GET http://127.0.0.1:" + port + "/a HTTP/1.1\r\nHost: other.test\r\n\r\n");
      assertThat(c.readAll())
          .startsWith("HTTP/1.1 400 ")
          .contains("the Host header 'other.test' does not agree");
    }
    assertThat(servers.httpPaths).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void socks5ConnectsByNameAndByAddress(Transport t) throws Exception {
    int port = servers.echoPort();
    NetworkProxy p = proxy("echo.test:" + port, "127.0.0.1:" + port);
    byte[][] addresses = {
      "echo.test".getBytes(US_ASCII),
      {127, 0, 0, 1},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1} // ::ffff:127.0.0.1
    };
    int[] types = {3, 1, 4};
    for (int i = 0; i < 3; i++) {
      try (ProxyClient c = new ProxyClient(p, t)) {
        byte[] reply = c.socks5(1, addresses[i], types[i], port);
        assertThat(reply)
            .as("reply for address type " + types[i])
            .containsExactly(5, 0, 0, 1, 0, 0, 0, 0, 0, 0);
        c.send("ping" + i);
        assertThat(new String(c.read(5), US_ASCII)).isEqualTo("ping" + i);
      }
    }
    List<NetworkEvent> events = awaitEvents(p, 3);
    assertThat(events).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.ALLOWED));
    assertThat(events).extracting(NetworkEvent::host).contains("echo.test", "127.0.0.1");
    assertThat(events).allSatisfy(e -> assertThat(e.bytesFromDestination()).isEqualTo(5));
    assertThat(dns.asked).isEqualTo(1);
  }

  /** A CONNECT that must be refused: 403 naming the destination and why; nothing connected. */
  void assertConnectRefused(NetworkProxy p, String target, String reason) throws Exception {
    int before = servers.echoAccepted.get();
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("CONNECT " + target + " HTTP/1.1\r\n\r\n");
      String answer = c.readAll();
      assertThat(answer)
          .startsWith("HTTP/1.1 403 Forbidden\r\n")
          .contains("sandbox4j: denied network access to " + target + " (" + reason);
    }
    assertThat(servers.echoAccepted.get()).isEqualTo(before);
  }

  @Test
  void refusalsAnswer403AndAreRecorded() throws Exception {
    int port = servers.echoPort();
    NetworkProxy p =
        proxy("127.0.0.1:" + port, "rebind.test:" + port, "metadata.test", "echo.test");
    assertConnectRefused(p, "unlisted.example:443", "not in the allow-list");
    assertConnectRefused(p, "127.0.0.1:" + (port == 65535 ? 1 : port + 1), "port ");
    assertConnectRefused(p, "192.0.2.1:443", "not in the allow-list");
    assertConnectRefused(p, "169.254.169.254:80", "not in the allow-list");
    assertConnectRefused(p, "[::1]:" + port, "not in the allow-list");
    assertConnectRefused(p, "metadata.test:80", "169.254.169.254 is link-local (cloud metadata");
    // listed, and resolving to an address an entry names: that entry counts for this port only
    assertConnectRefused(p, "rebind.test:" + (port == 65535 ? 1 : port + 1), "port ");
    assertConnectRefused(p, "echo.test:22", "port 22 is not allowed");
    assertConnectRefused(p, "deny.test:443", "denied by 'deny.test'");
    List<NetworkEvent> events = awaitEvents(p, 9);
    assertThat(events).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.DENIED));
    assertThat(events).allSatisfy(e -> assertThat(e.bytesToDestination()).isZero());
    assertThat(events.get(0).summary())
        .isEqualTo("denied network access to unlisted.example:443 (not in the allow-list)");
    assertThat(events.get(5).address()).contains("169.254.169.254");
    assertThat(events.get(8).rule()).contains("deny.test");
    assertThat(dns.asked).as("only allowed names are resolved").isEqualTo(1);

    // a listed name that resolves to loopback, with a listener there: refused, never connected
    NetworkProxy only = proxy("rebind.test:" + port);
    assertConnectRefused(only, "rebind.test:" + port, "127.0.0.1 is loopback");
    NetworkEvent e = awaitEvents(only, 1).get(0);
    assertThat(e.address()).contains("127.0.0.1");
    assertThat(e.rule()).isEmpty();
  }

  @Test
  void plainHttpToADeniedDestinationIsRefusedToo() throws Exception {
    NetworkProxy p = proxy("example.test");
    try (ProxyClient c = new ProxyClient(p, Transport.UNIX)) {
      c.send(
          "GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n");
      assertThat(c.readAll())
          .startsWith("HTTP/1.1 403 ")
          .contains("denied network access to 169.254.169.254:80 (not in the allow-list)");
    }
  }

  @Test
  void plainHttpToAListedNameResolvingToLoopbackIsRefused() throws Exception {
    int port = servers.httpPort();
    dns.with("web.test", "127.0.0.1");
    NetworkProxy p = proxy("web.test:" + port);
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("GET http://web.test:" + port + "/ HTTP/1.1\r\nHost: web.test:" + port + "\r\n\r\n");
      assertThat(c.readAll()).startsWith("HTTP/1.1 403 ").contains("127.0.0.1 is loopback");
    }
    assertThat(servers.httpPaths).isEmpty();
  }

  @Test
  void concurrentAttemptsAreEachRecordedOnce() throws Exception {
    int port = servers.echoPort();
    NetworkProxy p = proxy("127.0.0.1:" + port);
    int n = 40;
    List<Thread> clients = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int i = 0; i < n; i++) {
      String target = i % 2 == 0 ? "127.0.0.1:" + port : "denied" + i + ".test:443";
      Transport t = i % 4 < 2 ? Transport.TCP : Transport.UNIX;
      Thread th =
          new Thread(
              () -> {
                try (ProxyClient c = new ProxyClient(p, t)) {
                  c.send("CONNECT " + target + " HTTP/1.1\r\n\r\n");
                  String head = c.head();
                  if (head.startsWith("HTTP/1.1 200")) {
                    c.send("abc");
                    c.read(3);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      th.start();
      clients.add(th);
    }
    for (Thread th : clients) {
      th.join(20_000);
    }
    assertThat(failures).isEmpty();
    List<NetworkEvent> events = awaitEvents(p, n);
    assertThat(events).filteredOn(e -> e.outcome() == Outcome.ALLOWED).hasSize(n / 2);
    assertThat(events)
        .filteredOn(e -> e.outcome() == Outcome.ALLOWED)
        .allSatisfy(e -> assertThat(e.bytesFromDestination()).isEqualTo(3));
    assertThat(heard).containsExactlyInAnyOrderElementsOf(events);
  }

  @Test
  void anAllowedDestinationThatDoesNotAnswerIs502AndFailed() throws Exception {
    int closedPort;
    try (var s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    NetworkProxy p = proxy("127.0.0.1:" + closedPort, "gone.test");
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("CONNECT 127.0.0.1:" + closedPort + " HTTP/1.1\r\n\r\n");
      assertThat(c.readAll()).startsWith("HTTP/1.1 502 ").contains("connection refused");
    }
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("CONNECT gone.test:443 HTTP/1.1\r\n\r\n");
      assertThat(c.readAll()).startsWith("HTTP/1.1 502 ").contains("the name does not resolve");
    }
    assertThat(awaitEvents(p, 2))
        .allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAILED));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void socks5RefusalsUseTheirReplyCodes(Transport t) throws Exception {
    int port = servers.echoPort();
    // rebind.test resolves to 127.0.0.1, which no entry names: refused although listed
    NetworkProxy p = proxy("rebind.test:" + port);
    try (ProxyClient c = new ProxyClient(p, t)) {
      assertThat(c.socks5(1, "unlisted.example".getBytes(US_ASCII), 3, 443)[1])
          .isEqualTo((byte) Socks5Protocol.NOT_ALLOWED_BY_RULESET);
      assertThat(c.closedWithoutAnswer()).isTrue();
    }
    try (ProxyClient c = new ProxyClient(p, t)) {
      assertThat(c.socks5(1, "rebind.test".getBytes(US_ASCII), 3, port)[1])
          .isEqualTo((byte) Socks5Protocol.NOT_ALLOWED_BY_RULESET);
    }
    try (ProxyClient c = new ProxyClient(p, t)) {
      assertThat(c.socks5(3, new byte[] {127, 0, 0, 1}, 1, port)[1])
          .as("UDP ASSOCIATE")
          .isEqualTo((byte) Socks5Protocol.COMMAND_NOT_SUPPORTED);
    }
    try (ProxyClient c = new ProxyClient(p, t)) {
      assertThat(c.socks5(2, new byte[] {127, 0, 0, 1}, 1, port)[1])
          .as("BIND")
          .isEqualTo((byte) Socks5Protocol.COMMAND_NOT_SUPPORTED);
    }
    try (ProxyClient c = new ProxyClient(p, t)) {
      c.send(new byte[] {5, 1, 2}); // username/password only
      assertThat(c.read(2)).containsExactly(5, 0xff);
    }
    assertThat(servers.echoAccepted.get()).isZero();
    List<NetworkEvent> events = awaitEvents(p, 4);
    assertThat(events).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.DENIED));
    assertThat(events.get(2).reason()).isEqualTo("SOCKS5 UDP ASSOCIATE is not supported");
    assertThat(events.get(3).reason()).isEqualTo("SOCKS5 BIND is not supported");
  }

  @Test
  void aSocks5NameWithControlCharactersIsRefusedAndRecordedPrintably() throws Exception {
    NetworkProxy p = proxy("example.test");
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      byte[] name = "a\r\nb\u00e9.test".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(c.socks5(1, name, 3, 443)[1])
          .isEqualTo((byte) Socks5Protocol.NOT_ALLOWED_BY_RULESET);
    }
    NetworkEvent e = awaitEvents(p, 1).get(0);
    assertThat(e.host()).isEqualTo("a??b?.test");
    assertThat(e.reason()).isEqualTo("'a??b?.test' is not a host name or IP address");
  }

  @Test
  void malformedRequestsAreRefusedWithoutReachingAnything() throws Exception {
    int port = servers.echoPort();
    NetworkProxy p = proxy("127.0.0.1:" + port);
    String[][] cases = {
      {"HELLO\r\n\r\n", "400", "malformed request line"},
      {"GET /relative HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "400", "send an absolute URI"},
      {"GET https://127.0.0.1/ HTTP/1.1\r\n\r\n", "400", "through CONNECT"},
      {"CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n", "400", "CONNECT needs host:port"},
      {"CONNECT user@127.0.0.1:1 HTTP/1.1\r\n\r\n", "400", "CONNECT needs host:port"},
      {"CONNECT 127.0.0.1:99999 HTTP/1.1\r\n\r\n", "400", "CONNECT needs host:port"},
      {"GET http://127.0.0.1/ HTTP/1.1\r\nbad header\r\n\r\n", "400", "malformed header line 1"},
      {"GET http://127.0.0.1/ HTTP/1.1\r\n folded\r\n\r\n", "400", "malformed header line 1"},
      {"GET http://127.0.0.1/ HTTP/2.0\r\n\r\n", "400", "malformed request line"},
      {"GET http://a b/ HTTP/1.1\r\n\r\n", "400", "malformed request line"},
      {"GET http://127.0.0.1/ HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n", "431", "larger"},
    };
    for (String[] c : cases) {
      try (ProxyClient client = new ProxyClient(p, Transport.TCP)) {
        client.send(c[0]);
        assertThat(client.readAll()).as(c[0]).startsWith("HTTP/1.1 " + c[1]).contains(c[2]);
      }
    }
    try (ProxyClient client = new ProxyClient(p, Transport.TCP)) {
      client.send(new byte[] {0x16, 3, 1, 0, 5}); // TLS to the proxy itself
      assertThat(client.closedWithoutAnswer()).isTrue();
    }
    try (ProxyClient client = new ProxyClient(p, Transport.TCP)) {
      client.send(new byte[] {4, 1, 0, 80, 127, 0, 0, 1, 0}); // SOCKS4
      assertThat(client.read(2)).containsExactly(0, 0x5b);
    }
    assertThat(servers.echoAccepted.get()).isZero();
    assertThat(p.events()).isEmpty();
  }

  @Test
  void aSlowClientLosesItsSlotAtTheHandshakeDeadline() throws Exception {
    NetworkProxy p =
        proxy(ProxyLimits.DEFAULT.withHandshakeTimeout(Duration.ofMillis(500)), "example.test");
    long start = System.nanoTime();
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("GET http://exa");
      for (int i = 0; i < 5; i++) {
        Thread.sleep(60);
        c.send("m"); // trickling bytes does not extend the deadline
      }
      assertThat(c.closedWithoutAnswer()).isTrue();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(ms).isBetween(400L, 5_000L);
    for (int i = 0; i < 100 && p.openConnections() > 0; i++) {
      Thread.sleep(20); // the slot is given back just after the close
    }
    assertThat(p.openConnections()).isZero();
  }

  @Test
  void anIdleTunnelIsClosed() throws Exception {
    int port = servers.echoPort();
    NetworkProxy p =
        proxy(ProxyLimits.DEFAULT.withIdleTimeout(Duration.ofMillis(400)), "127.0.0.1:" + port);
    try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
      c.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\n\r\n");
      assertThat(c.head()).startsWith("HTTP/1.1 200 ");
      c.send("x");
      assertThat(c.read(1)).containsExactly('x');
      assertThat(c.closedWithoutAnswer()).isTrue();
    }
    assertThat(awaitEvents(p, 1).get(0).bytesToDestination()).isEqualTo(1);
  }

  @Test
  void connectionsBeyondTheLimitAreClosedOnAccept() throws Exception {
    NetworkProxy p = proxy(ProxyLimits.DEFAULT.withMaxConnections(2), "example.test");
    try (ProxyClient a = new ProxyClient(p, Transport.TCP);
        ProxyClient b = new ProxyClient(p, Transport.UNIX)) {
      a.send("G");
      b.send("G");
      for (int i = 0; i < 100 && p.openConnections() < 2; i++) {
        Thread.sleep(20);
      }
      try (ProxyClient c = new ProxyClient(p, Transport.TCP)) {
        assertThat(c.closedWithoutAnswer()).isTrue();
      }
      assertThat(p.rejectedConnections()).isEqualTo(1);
    }
  }

  @Test
  void stopClosesTunnelsRecordsThemAndRemovesTheSocket() throws Exception {
    int port = servers.echoPort();
    NetworkProxy p = proxy("127.0.0.1:" + port);
    Path socket = p.unixSocketPath().orElseThrow();
    assertThat(Files.getPosixFilePermissions(socket))
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    try (ProxyClient c = new ProxyClient(p, Transport.UNIX)) {
      c.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\n\r\n");
      assertThat(c.head()).startsWith("HTTP/1.1 200 ");
      List<NetworkEvent> events = p.stop();
      assertThat(events).hasSize(1);
      assertThat(c.closedWithoutAnswer()).isTrue();
    }
    assertThat(socket).doesNotExist();
    assertThat(Arrays.asList(p.stop().toArray())).hasSize(1);
  }

  @Test
  void aUnixSocketPathThatExistsIsACannotSandboxError() throws Exception {
    Path taken = Files.createFile(dir.resolve("taken.sock"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                NetworkProxy.builder(NetworkRules.parse(List.of("a.test"), List.of()))
                    .unixSocket(taken)
                    .start())
        .isInstanceOfSatisfying(
            io.sandbox4j.api.SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125))
        .hasMessageContaining(taken.toString());
  }
}
