package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.NET_ALLOWLIST;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import com.sun.net.httpserver.HttpServer;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.proxy.NetworkEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network allow-list (issue 12): the command's own namespace with the filtering proxy as the
 * only way out. Each destination is a server the scenario starts on the host's loopback, listed by
 * its IP literal {@code 127.0.0.1:PORT}; clients use the proxy variables the run sets (with {@code
 * NO_PROXY} emptied where the scenario must go through the proxy rather than the host-service
 * relay). The judgement is what the servers saw and what the run's events say.
 */
final class AllowListScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, NET_ALLOWLIST)
        .row(
            "curlReachesListedDestinationThroughTheProxy",
            "curl fetches from a listed 127.0.0.1:PORT through the proxy (HTTP_PROXY)",
            ctx -> {
              ctx.requireTool("curl");
              reaches(ctx, "curl -sS --max-time 10 --noproxy '' http://127.0.0.1:$1/");
            })
        .row(
            "curlTunnelsToListedDestination",
            "curl fetches from a listed 127.0.0.1:PORT through a CONNECT tunnel",
            ctx -> {
              ctx.requireTool("curl");
              reaches(
                  ctx,
                  "curl -sS --max-time 10 --noproxy '' --proxytunnel -x \"$HTTPS_PROXY\""
                      + " http://127.0.0.1:$1/");
            })
        .row(
            "pythonReachesListedDestinationThroughTheProxy",
            "python urllib fetches from a listed 127.0.0.1:PORT through the proxy",
            ctx -> {
              ctx.requireTool("python3");
              reaches(
                  ctx,
                  "no_proxy= NO_PROXY= python3 -c 'import sys,urllib.request;"
                      + "sys.stdout.write(urllib.request.urlopen(\"http://127.0.0.1:\"+sys.argv[1]"
                      + "+\"/\",timeout=10).read().decode())' $1");
            })
        .row(
            "jvmHttpClientReachesListedDestinationThroughTheProxy",
            "a JVM HttpClient (JAVA_TOOL_OPTIONS proxy properties) fetches from a listed"
                + " 127.0.0.1:PORT",
            AllowListScenarios::jvmReaches)
        .row(
            "gitClonesFromListedDestinationThroughTheProxy",
            "git clones over http from a listed 127.0.0.1:PORT through the proxy (http.proxy"
                + " from GIT_CONFIG_*)",
            AllowListScenarios::gitReaches)
        .row(
            "proxyAndHostServiceAnswerOnIpv6Loopback",
            "curl reaches the proxy at [::1]:PORT and a listed host service at [::1]:ITS_PORT"
                + " (a client trying ::1 first finds the relays there)",
            ctx -> {
              ctx.requireTool("curl");
              ctx.assume(Listeners.ipv6Loopback().isPresent(), "requires IPv6 loopback (::1) here");
              reaches(
                  ctx,
                  "a=$(curl -sS --max-time 10 --noproxy '' -x \"http://[::1]:${HTTP_PROXY##*:}\""
                      + " http://127.0.0.1:$1/) && b=$(curl -sS --max-time 10 --noproxy '*'"
                      + " \"http://[::1]:$1/\") && [ \"$a\" = \"$b\" ] && echo \"$a\"");
            })
        .row(
            "hostServiceIsReachableAtItsOwnPort",
            "bash, which ignores proxy variables, reaches a listed 127.0.0.1:PORT at the same"
                + " address inside; the proxy records it",
            ctx -> {
              ctx.requireTool("bash");
              reaches(
                  ctx,
                  "exec 3<>/dev/tcp/127.0.0.1/$1; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3;"
                      + " cat <&3");
            })
        .row(
            "unlistedPortIsRefusedAndReported",
            "curl asks the proxy for 127.0.0.1 on a port that is not listed",
            ctx -> {
              ctx.requireTool("curl");
              refused(
                  ctx,
                  "127.0.0.1",
                  "curl -sS --max-time 10 --noproxy '' -o /dev/null http://127.0.0.1:$2/",
                  true);
            })
        .row(
            "connectToUnlistedPortIsRefused",
            "curl asks the proxy for a CONNECT tunnel to a port that is not listed",
            ctx -> {
              ctx.requireTool("curl");
              refused(
                  ctx,
                  "127.0.0.1",
                  "curl -sS --max-time 10 --noproxy '' --proxytunnel -x \"$HTTPS_PROXY\""
                      + " -o /dev/null http://127.0.0.1:$2/",
                  true);
            })
        .row(
            "loopbackByNameIsRefused",
            "curl asks the proxy for localhost on a port that is not listed",
            ctx -> {
              ctx.requireTool("curl");
              refused(
                  ctx,
                  "localhost",
                  "curl -sS --max-time 10 --noproxy '' -o /dev/null http://localhost:$2/",
                  true);
            })
        .row(
            "unlistedHostIsRefusedAndReported",
            "curl asks the proxy for https://unlisted.invalid/ (never resolved)",
            ctx -> {
              ctx.requireTool("curl");
              denied(
                  ctx,
                  "unlisted.invalid",
                  443,
                  "curl -sS --max-time 10 -o /dev/null https://unlisted.invalid/");
            })
        .row(
            "metadataAddressIsRefused",
            "curl asks the proxy for the cloud metadata address 169.254.169.254",
            ctx -> {
              ctx.requireTool("curl");
              denied(
                  ctx,
                  "169.254.169.254",
                  80,
                  "curl -sS --max-time 10 -o /dev/null http://169.254.169.254/latest/meta-data/");
            })
        .row(
            "socksUdpAssociateIsRefused",
            "python asks the proxy's SOCKS5 side for UDP ASSOCIATE",
            ctx -> {
              ctx.requireTool("python3");
              String script =
                  "python3 -c 'import socket,sys\n"
                      + "s=socket.create_connection((\"127.0.0.1\",int(sys.argv[1])),10)\n"
                      + "s.sendall(bytes([5,1,0]));s.recv(2)\n"
                      + "s.sendall(bytes([5,3,0,1,127,0,0,1])+int(sys.argv[2]).to_bytes(2,\"big\"))\n"
                      + "print(\"reply\",s.recv(10)[1])' \"${ALL_PROXY##*:}\" $2";
              SandboxResult r = refused(ctx, "127.0.0.1", script, false);
              ctx.check(
                  r.stdoutText().contains("reply 7"),
                  "the proxy did not answer 7 (command not supported): " + excerpt(r));
            })
        .row(
            "directSocketsSkippingTheProxyAreRefused",
            "bash and python connect straight to an unlisted listener on the host's loopback",
            ctx -> {
              ctx.requireTool("bash");
              Listeners.Tcp other =
                  ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
              try (Server listed = new Server(ctx)) {
                SandboxResult r =
                    ctx.run(
                        listing(ctx, listed),
                        ctx.bash(
                            "echo x > /dev/tcp/127.0.0.1/$1;"
                                + " python3 -c 'import socket,sys;"
                                + "socket.create_connection((\"127.0.0.1\",int(sys.argv[1])),3)' $1",
                            String.valueOf(other.port())));
                NetworkScenarios.noContact(ctx, other, r);
              }
            });
  }

  /**
   * A server on the host's loopback answering every request with the run's secret, or serving the
   * files under a directory (404 outside it).
   */
  static final class Server implements AutoCloseable {
    final HttpServer http;
    final AtomicInteger requests = new AtomicInteger();
    final String body;

    Server(ScenarioContext ctx) throws IOException {
      this(ctx, null);
    }

    Server(ScenarioContext ctx, Path files) throws IOException {
      body = "listed-" + ctx.secret();
      http = HttpServer.create(new InetSocketAddress(NetworkScenarios.loopbackV4(), 0), 16);
      http.createContext(
          "/",
          exchange -> {
            requests.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            int status = 200;
            if (files != null) {
              Path f = files.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
              boolean ok = f.startsWith(files) && Files.isRegularFile(f);
              b = ok ? Files.readAllBytes(f) : new byte[0];
              status = ok ? 200 : 404;
            }
            exchange.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(b);
            }
          });
      http.start();
    }

    int port() {
      return http.getAddress().getPort();
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  private static SandboxPolicy listing(ScenarioContext ctx, Server listed) {
    return ctx.policy()
        .network(NetworkPolicy.allowRules(List.of("127.0.0.1:" + listed.port()), List.of()))
        .build();
  }

  /** The script (port as $1) must print the server's body, and the run must record the attempt. */
  private static void reaches(ScenarioContext ctx, String script) throws Exception {
    try (Server s = new Server(ctx)) {
      reaches(ctx, s, script);
    }
  }

  private static void reaches(ScenarioContext ctx, Server s, String script) throws Exception {
    SandboxResult r = ctx.run(listing(ctx, s), ctx.bash(script, String.valueOf(s.port())));
    ctx.check(
        r.stdoutText().contains(s.body) && s.requests.get() > 0,
        "the listed server was not reached (over-blocked): " + excerpt(r));
    ctx.check(
        event(r, "127.0.0.1", s.port(), NetworkEvent.Outcome.ALLOWED).isPresent(),
        "the run recorded no allowed attempt to 127.0.0.1:" + s.port() + ": " + events(r));
  }

  /** A bare repository served over git's dumb http protocol; the clone must hold its README. */
  private static void gitReaches(ScenarioContext ctx) throws Exception {
    Path git = ctx.requireTool("git");
    String body = "listed-" + ctx.secret();
    Process setup =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "set -e; cd \"$1\"; g=\"$2\"; id='-c user.name=s -c user.email=s@example.invalid';"
                    + " \"$g\" init -q src; echo \"$3\" > src/README;"
                    + " \"$g\" -C src $id add README; \"$g\" -C src $id commit -q -m x;"
                    + " \"$g\" clone -q --bare src repo.git; \"$g\" -C repo.git update-server-info",
                "setup",
                ctx.outside().toString(),
                git.toString(),
                body)
            .redirectErrorStream(true)
            .start();
    String log = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ctx.assume(
        setup.waitFor(30, TimeUnit.SECONDS) && setup.exitValue() == 0,
        "preparing a repository on the host failed: " + log);
    try (Server s = new Server(ctx, ctx.outside())) {
      reaches(
          ctx,
          s,
          "no_proxy= NO_PROXY= '"
              + git
              + "' clone -q http://127.0.0.1:$1/repo.git clone && cat clone/README");
    }
  }

  private static void jvmReaches(ScenarioContext ctx) throws Exception {
    Path java = ctx.requireTool("java");
    Path source = ctx.workspace().resolve("Fetch.java");
    Files.writeString(
        source,
        "public class Fetch { public static void main(String[] a) throws Exception {\n"
            + "  var c = java.net.http.HttpClient.newHttpClient();\n"
            + "  var q = java.net.http.HttpRequest.newBuilder("
            + "java.net.URI.create(\"http://127.0.0.1:\" + a[0] + \"/\")).build();\n"
            + "  System.out.print(c.send(q, java.net.http.HttpResponse.BodyHandlers.ofString())"
            + ".body()); } }\n");
    // The listed address is loopback, which nonProxyHosts keeps direct; an empty pattern on the
    // command line (after JAVA_TOOL_OPTIONS) sends it through the proxy as any other host.
    reaches(
        ctx,
        "'"
            + java
            + "' -Xshare:auto -XX:TieredStopAtLevel=1 -Dhttp.nonProxyHosts=none.invalid '"
            + source
            + "' $1");
  }

  /**
   * A listener on the host's loopback at a port that is not listed ($2; the listed server's port is
   * $1): it must see nothing, and the run must record a denial naming {@code host} and that port.
   */
  private static SandboxResult refused(
      ScenarioContext ctx, String host, String script, boolean needEvent) throws Exception {
    Listeners.Tcp other = ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
    try (Server listed = new Server(ctx)) {
      SandboxResult r =
          ctx.run(
              listing(ctx, listed),
              ctx.bash(script, String.valueOf(listed.port()), String.valueOf(other.port())));
      NetworkScenarios.noContact(ctx, other, r);
      ctx.check(
          event(r, host, other.port(), NetworkEvent.Outcome.DENIED).isPresent(),
          "the run recorded no denial of " + host + ":" + other.port() + ": " + events(r));
      return r;
    }
  }

  private static void denied(ScenarioContext ctx, String host, int port, String script)
      throws Exception {
    try (Server listed = new Server(ctx)) {
      SandboxResult r = ctx.run(listing(ctx, listed), ctx.bash(script));
      ctx.check(
          event(r, host, port, NetworkEvent.Outcome.DENIED).isPresent(),
          "the run recorded no denial of " + host + ":" + port + ": " + events(r));
      ctx.check(
          event(r, host, port, NetworkEvent.Outcome.ALLOWED).isEmpty(),
          host + ":" + port + " was allowed: " + events(r));
    }
  }

  private static Optional<NetworkEvent> event(
      SandboxResult r, String host, int port, NetworkEvent.Outcome outcome) {
    return r.networkEvents().stream()
        .filter(e -> e.host().equals(host) && e.port() == port && e.outcome() == outcome)
        .findFirst();
  }

  private static String events(SandboxResult r) {
    return r.networkEvents().stream().map(NetworkEvent::summary).toList() + " " + excerpt(r);
  }
}
