package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.NET_PUBLISH;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Published ports (issue 12, {@code --publish}): a server the command starts on 127.0.0.1:PORT
 * inside its network namespace is reachable from the host's 127.0.0.1:PORT, and nothing else is.
 * The server inside answers each connection to the published port with the run's secret and reports
 * any connection to its unpublished port; the host side is judged by what it reads.
 */
final class PublishScenarios implements ScenarioGroup {
  /** How long the host keeps trying while the sandbox starts and the server binds. */
  private static final Duration READY = Duration.ofSeconds(20);

  /**
   * The server inside: $1 published port, $2 unpublished port (0: none), $3 the body. Stops when a
   * client sends "q" after reading the body, or after 30 s.
   */
  private static final String SERVER =
      "import socket,sys,select,time\n"
          + "p,q,body=int(sys.argv[1]),int(sys.argv[2]),sys.argv[3].encode()\n"
          + "def listen(port):\n"
          + "  s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
          + "  s.bind(('127.0.0.1',port)); s.listen(8); return s\n"
          + "ls=[listen(p)]+([listen(q)] if q else [])\n"
          + "end=time.time()+30\n"
          + "while time.time()<end:\n"
          + "  for s in select.select(ls,[],[],0.5)[0]:\n"
          + "    c,_=s.accept()\n"
          + "    if s is not ls[0]:\n"
          + "      print('unpublished port contacted',flush=True); c.close(); continue\n"
          + "    c.sendall(body); c.settimeout(1)\n"
          + "    try: d=c.recv(1)\n"
          + "    except OSError: d=b''\n"
          + "    c.close()\n"
          + "    if d==b'q': sys.exit(0)\n";

  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, NET_PUBLISH)
        .row(
            "publishedPortIsReachableFromTheHost",
            "python serves on 127.0.0.1:PORT inside with no network (--net none); the host reads"
                + " from its own 127.0.0.1:PORT",
            ctx -> reachable(ctx, NetworkPolicy.NONE))
        .row(
            "publishedPortIsReachableBesideAnAllowList",
            "as above with an allow-list (the proxy and its relay beside the published port)",
            ctx -> reachable(ctx, NetworkPolicy.allowRules(List.of("127.0.0.1:9"), List.of())))
        .row(
            "unpublishedPortIsNotReachableFromTheHost",
            "python also serves on an unpublished port inside; the host's connection to that port"
                + " is refused and the server sees none",
            PublishScenarios::unpublished)
        .row(
            "publishedPortListensOnTheHostLoopbackOnly",
            "the host connects to the published port on one of its own non-loopback addresses:"
                + " refused",
            PublishScenarios::loopbackOnly)
        .row(
            "hostClientsHoldingThePublishedPortDoNotStarveTheProxy",
            "the host holds 70 idle connections to the published port (the server inside keeps"
                + " them); the command still gets a CONNECT through the proxy to a listed listener",
            PublishScenarios::noStarvation)
        .row(
            "publishingAPortInUseOnTheHostIsRefusedNamingIt",
            "the host already listens on 127.0.0.1:PORT; a run publishing PORT ends with exit 125"
                + " naming the port, and the command never runs",
            PublishScenarios::portInUse);
  }

  /** The relay's connections to the command's relays and to the published ports at once. */
  private static final int RELAY_CONNS = 64;

  /**
   * The server inside ($1 published port, $2 listed port) answers 'r' on each connection and keeps
   * it; once it holds $3 (or after 20 s) it asks the proxy for a tunnel to 127.0.0.1:$2.
   */
  private static final String HOLDER =
      "import socket,sys,time,os\n"
          + "p,l,want=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3])\n"
          + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
          + "s.bind(('127.0.0.1',p)); s.listen(128); s.settimeout(0.5)\n"
          + "held=[]; end=time.time()+20\n"
          + "while len(held)<want and time.time()<end:\n"
          + "  try:\n"
          + "    c,_=s.accept(); c.sendall(b'r'); held.append(c)\n"
          + "  except OSError: pass\n"
          + "print('held',len(held),flush=True)\n"
          + "proxy=int(os.environ['http_proxy'].rsplit(':',1)[1])\n"
          + "c=socket.create_connection(('127.0.0.1',proxy),timeout=10)\n"
          + "c.sendall(b'CONNECT 127.0.0.1:%d HTTP/1.1\\r\\n\\r\\n'%l)\n"
          + "try: print('proxy:',c.recv(64).split(b'\\r\\n')[0].decode(),flush=True)\n"
          + "except OSError as e: print('proxy: no answer',e,flush=True)\n";

  private static void noStarvation(ScenarioContext ctx) throws Exception {
    ctx.requireTool("python3");
    int port = freePort();
    Listeners.Tcp listed = ctx.closeLater(new Listeners.Tcp(loopback()));
    NetworkPolicy network =
        NetworkPolicy.allowRules(List.of("127.0.0.1:" + listed.port()), List.of())
            .withPublish(List.of(port));
    List<Socket> held = new java.util.ArrayList<>();
    try (SandboxExecution ex =
        ctx.start(
            ctx.policy().network(network).build(),
            ctx.python(
                HOLDER,
                String.valueOf(port),
                String.valueOf(listed.port()),
                String.valueOf(RELAY_CONNS)))) {
      long end = System.nanoTime() + READY.toNanos();
      while (held.size() < RELAY_CONNS && System.nanoTime() < end && ex.isAlive()) {
        Socket c = new Socket();
        try {
          c.connect(new InetSocketAddress(loopback(), port), 3000);
          c.setSoTimeout(3000);
          if (c.getInputStream().read() == 'r') {
            held.add(c);
            continue;
          }
        } catch (IOException e) {
          // not listening yet inside, or the relay is full
        }
        c.close();
        Thread.sleep(50);
      }
      for (int i = 0; i < 6; i++) { // more than the pool: these wait in the backlog
        Socket c = new Socket();
        held.add(c);
        c.connect(new InetSocketAddress(loopback(), port), 3000);
      }
      Optional<SandboxResult> r = ex.waitFor(Duration.ofSeconds(40));
      ctx.check(r.isPresent(), "the sandboxed command did not end");
      String out = new String(ex.stdout().readAllBytes(), StandardCharsets.UTF_8).strip();
      ctx.check(
          out.contains("held " + RELAY_CONNS),
          "the server inside did not get the host's connections: " + out + "; " + excerpt(r.get()));
      ctx.check(
          out.contains("proxy: HTTP/1.1 200"),
          "with the published port's connections held, the command's CONNECT through the proxy"
              + " got no tunnel: "
              + out.replace('\n', ' '));
    } finally {
      for (Socket c : held) {
        c.close();
      }
    }
  }

  private static void portInUse(ScenarioContext ctx) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, loopback())) {
      int port = taken.getLocalPort();
      java.nio.file.Path marker = ctx.workspace().resolve("ran-" + ctx.token());
      SandboxResult r =
          ctx.run(
              ctx.policy().network(NetworkPolicy.NONE.withPublish(List.of(port))).build(),
              ctx.sh("touch \"$1\"", marker.toString()));
      ctx.check(
          r.exitCode() == 125 && r.stderrText().contains("port " + port + " is already in use"),
          "publishing a port in use was not refused with 125 naming it: " + excerpt(r));
      ctx.check(!java.nio.file.Files.exists(marker), "the command ran although publishing failed");
    }
  }

  private static void reachable(ScenarioContext ctx, NetworkPolicy network) throws Exception {
    ctx.requireTool("python3");
    int port = freePort();
    try (Served s = serve(ctx, network, port, 0)) {
      ctx.check(
          s.first.equals(s.body),
          "the host read '" + s.first + "' from 127.0.0.1:" + port + ", not the server's body");
      s.finish(ctx);
    }
  }

  private static void unpublished(ScenarioContext ctx) throws Exception {
    ctx.requireTool("python3");
    int port = freePort();
    int other = freePort();
    try (Served s = serve(ctx, NetworkPolicy.NONE, port, other)) {
      // The server bound both ports before it answered on the published one.
      Optional<String> got = read(new InetSocketAddress(loopback(), other));
      ctx.check(
          got.isEmpty(),
          "the host reached the unpublished port " + other + " and read '" + got.orElse("") + "'");
      SandboxResult r = s.finish(ctx);
      ctx.check(
          !r.stdoutText().contains("unpublished port contacted"),
          "the server inside saw a connection on its unpublished port: " + excerpt(r));
    }
  }

  private static void loopbackOnly(ScenarioContext ctx) throws Exception {
    ctx.requireTool("python3");
    InetAddress outside =
        nonLoopbackAddress()
            .orElseThrow(
                () -> new ScenarioSkipped("this host has no non-loopback IPv4 address to try"));
    int port = freePort();
    try (Served s = serve(ctx, NetworkPolicy.NONE, port, 0)) {
      Optional<String> got = read(new InetSocketAddress(outside, port));
      ctx.check(
          got.isEmpty(),
          "the published port answered on "
              + outside.getHostAddress()
              + ":"
              + port
              + " (not loopback) with '"
              + got.orElse("")
              + "'");
      s.finish(ctx);
    }
  }

  /** A running sandboxed server, with what the host first read from the published port. */
  private static final class Served implements AutoCloseable {
    final SandboxExecution execution;
    final int port;
    final String body;
    final String first;

    Served(SandboxExecution execution, int port, String body, String first) {
      this.execution = execution;
      this.port = port;
      this.body = body;
      this.first = first;
    }

    /** Asks the server to stop and returns the run's result; it must have ended cleanly. */
    SandboxResult finish(ScenarioContext ctx) throws Exception {
      try (Socket c = new Socket()) {
        c.connect(new InetSocketAddress(loopback(), port), 3000);
        c.setSoTimeout(3000);
        c.getInputStream().readNBytes(body.length());
        c.getOutputStream().write('q');
      } catch (IOException e) {
        // The run's result below says why the server is gone.
      }
      Optional<SandboxResult> r = execution.waitFor(Duration.ofSeconds(40));
      ctx.check(r.isPresent(), "the sandboxed server did not stop");
      ctx.check(r.get().exitCode() == 0, "the sandboxed server failed: " + excerpt(r.get()));
      return r.get();
    }

    @Override
    public void close() {
      execution.close();
    }
  }

  /**
   * Starts the server inside and reads from the host's 127.0.0.1:port until the body arrives (the
   * launcher accepts before the server inside listens; such connections end empty).
   */
  private static Served serve(ScenarioContext ctx, NetworkPolicy network, int port, int other)
      throws Exception {
    String body = "published-" + ctx.secret();
    SandboxExecution ex =
        ctx.start(
            ctx.policy().network(network.withPublish(List.of(port))).build(),
            ctx.python(SERVER, String.valueOf(port), String.valueOf(other), body));
    long end = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < end && ex.isAlive()) {
      Optional<String> got = read(new InetSocketAddress(loopback(), port));
      if (got.isPresent() && !got.get().isEmpty()) {
        return new Served(ex, port, body, got.get());
      }
      Thread.sleep(200);
    }
    Optional<SandboxResult> r = ex.waitFor(Duration.ofSeconds(5));
    ex.close();
    throw new ScenarioFailure(
        "the host never read from the published 127.0.0.1:"
            + port
            + (r.map(res -> " (the run ended: " + excerpt(res) + ")").orElse("")));
  }

  /** What a connection to {@code to} reads before it closes; empty when it cannot connect. */
  private static Optional<String> read(InetSocketAddress to) {
    try (Socket c = new Socket()) {
      c.connect(to, 3000);
      c.setSoTimeout(3000);
      InputStream in = c.getInputStream();
      return Optional.of(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static InetAddress loopback() throws IOException {
    return NetworkScenarios.loopbackV4();
  }

  /** A port free on the host's loopback now (the ephemeral port the kernel picks, released). */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, loopback())) {
      return s.getLocalPort();
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!i.isUp() || i.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(i.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }
}
