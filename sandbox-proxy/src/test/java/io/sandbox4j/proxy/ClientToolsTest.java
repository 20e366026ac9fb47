package io.sandbox4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sandbox4j.proxy.NetworkEvent.Outcome;
import io.sandbox4j.proxy.NetworkRulesTest.FakeResolver;
import java.io.File;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients through the proxy: the JDK's HttpClient always; curl and python when installed (each
 * skipped test says which program is missing). All destinations are the test's own servers on
 * 127.0.0.1, named {@code web.test} through the proxy's fake resolver.
 */
@Timeout(60)
class ClientToolsTest {
  @TempDir Path dir;
  LoopbackServers servers;
  NetworkProxy proxy;
  String web;

  @BeforeEach
  void start() throws IOException {
    servers = new LoopbackServers();
    int port = servers.httpPort();
    web = "web.test:" + port;
    proxy =
        NetworkProxy.builder(
                NetworkRules.parse(
                    List.of("127.0.0.1:" + port, web, "blocked.test"), List.of("blocked.test")))
            .resolver(new FakeResolver().with("web.test", "127.0.0.1"))
            // this host's real addresses (127.0.0.1 among them): the entries above still allow it
            .unixSocket(dir.resolve("proxy.sock"))
            .tcpLoopback(0)
            .start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    servers.close();
  }

  String proxyUrl(String scheme) {
    return scheme + "://127.0.0.1:" + proxy.tcpAddress().orElseThrow().getPort();
  }

  @Test
  void jdkHttpClientReachesAnAllowedServerAndSeesRefusals() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(proxy.tcpAddress().orElseThrow()))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> ok =
        client.send(
            HttpRequest.newBuilder(URI.create("http://" + web + "/jdk")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("hello /jdk 0");
    HttpResponse<String> denied =
        client.send(
            HttpRequest.newBuilder(URI.create("http://blocked.test/")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("denied network access to blocked.test:80");
    awaitOutcomes(Outcome.ALLOWED, Outcome.DENIED);
  }

  @Test
  void curlThroughHttpProxyTunnelAndSocks5OverTcpAndTheUnixSocket() throws Exception {
    Path curl = program("curl");
    int port = servers.httpPort();
    String base = "http://" + web;
    assertThat(run(curl, "--proxy", proxyUrl("http"), base + "/forward"))
        .isEqualTo("hello /forward 0");
    assertThat(run(curl, "--proxytunnel", "--proxy", proxyUrl("http"), base + "/tunnel"))
        .isEqualTo("hello /tunnel 0");
    assertThat(run(curl, "--proxy", proxyUrl("socks5h"), base + "/socks5h"))
        .isEqualTo("hello /socks5h 0");
    assertThat(run(curl, "--proxy", proxyUrl("socks5"), "http://127.0.0.1:" + port + "/socks5"))
        .isEqualTo("hello /socks5 0");
    // curl 7.84+ reaches a SOCKS proxy on a unix socket: socks5h://localhost/PATH
    assertThat(
            run(
                curl,
                "--proxy",
                "socks5h://localhost" + proxy.unixSocketPath().orElseThrow(),
                base + "/unix"))
        .isEqualTo("hello /unix 0");
    assertThat(
            run(curl, "-w", " %{http_code}", "--proxy", proxyUrl("http"), "http://blocked.test/"))
        .contains("denied network access to blocked.test:80 (denied by 'blocked.test')")
        .endsWith(" 403");
    assertThat(servers.httpPaths)
        .containsExactly("/forward", "/tunnel", "/socks5h", "/socks5", "/unix");
    awaitOutcomes(
        Outcome.ALLOWED,
        Outcome.ALLOWED,
        Outcome.ALLOWED,
        Outcome.ALLOWED,
        Outcome.ALLOWED,
        Outcome.DENIED);
  }

  @Test
  void pythonUrllibThroughTheHttpProxy() throws Exception {
    Path python = program("python3");
    String script =
        "import sys, urllib.request\n"
            + "h = urllib.request.ProxyHandler({'http': sys.argv[1]})\n"
            + "print(urllib.request.build_opener(h).open(sys.argv[2], timeout=10).read()"
            + ".decode(), end='')\n";
    assertThat(run(python, "-c", script, proxyUrl("http"), "http://" + web + "/python"))
        .isEqualTo("hello /python 0");
  }

  private void awaitOutcomes(Outcome... expected) throws InterruptedException {
    for (int i = 0; i < 100 && proxy.events().size() < expected.length; i++) {
      Thread.sleep(50);
    }
    assertThat(proxy.events())
        .extracting(NetworkEvent::outcome)
        .containsExactlyInAnyOrder(expected);
  }

  static Path program(String name) {
    Optional<Path> found =
        List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
            .map(d -> Path.of(d, name))
            .filter(Files::isExecutable)
            .findFirst();
    assumeTrue(found.isPresent(), name + " is not installed on this host (not on PATH)");
    return found.get();
  }

  /** Runs a client with no proxy variables of ours in its environment; its standard output. */
  static String run(Path program, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(program.toString());
    if (program.getFileName().toString().equals("curl")) {
      cmd.addAll(List.of("-sS", "--max-time", "20"));
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    String path = System.getenv("PATH");
    String home = System.getenv("HOME");
    pb.environment().clear();
    if (path != null) {
      pb.environment().put("PATH", path);
    }
    if (home != null) {
      pb.environment().put("HOME", home); // pyenv shims need it
    }
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    return out;
  }
}
