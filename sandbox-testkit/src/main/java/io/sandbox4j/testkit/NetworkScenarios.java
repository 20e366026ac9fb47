package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.NET_ALLOWLIST;
import static io.sandbox4j.api.Feature.NET_DENY_ALL;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Network scenarios. Every listener is one the scenario starts on loopback or a unix socket; the
 * judgement is what the listener saw, never what the command says.
 */
final class NetworkScenarios {
  /** How long a listener waits, after the command ended, for a contact already made. */
  static final Duration GRACE = Duration.ofMillis(300);

  private NetworkScenarios() {}

  static List<Scenario> all() {
    return List.of(
        Scenario.builder("tcpV4LoopbackListenerSeesNoConnection")
            .judges(NET_DENY_ALL)
            .linux()
            .description("bash connects to a TCP listener on 127.0.0.1 through /dev/tcp")
            .body(ctx -> tcp(ctx, InetAddress.getByName("127.0.0.1"), "127.0.0.1")),
        Scenario.builder("tcpV6LoopbackListenerSeesNoConnection")
            .judges(NET_DENY_ALL)
            .linux()
            .description("bash connects to a TCP listener on [::1] through /dev/tcp")
            .body(
                ctx -> {
                  InetAddress v6 = v6(ctx);
                  tcp(ctx, v6, "::1");
                }),
        Scenario.builder("udpV4DatagramIsNotDelivered")
            .judges(NET_DENY_ALL)
            .linux()
            .description("bash sends a UDP datagram to a listener on 127.0.0.1")
            .body(ctx -> udp(ctx, InetAddress.getByName("127.0.0.1"), "127.0.0.1")),
        Scenario.builder("udpV6DatagramIsNotDelivered")
            .judges(NET_DENY_ALL)
            .linux()
            .description("bash sends a UDP datagram to a listener on [::1]")
            .body(ctx -> udp(ctx, v6(ctx), "::1")),
        Scenario.builder("probeTcpConnectIsRefused")
            .judges(NET_DENY_ALL)
            .description(
                "a JVM program (which ignores proxy variables) connects to a loopback listener")
            .body(
                ctx -> {
                  Listeners.Tcp l =
                      ctx.closeLater(new Listeners.Tcp(InetAddress.getByName("127.0.0.1")));
                  SandboxResult r =
                      ctx.run(ctx.probe("connect", "127.0.0.1", String.valueOf(l.port())));
                  noContact(ctx, l, r);
                }),
        Scenario.builder("ipv4MappedIpv6AddressIsRefused")
            .judges(NET_DENY_ALL)
            .linux()
            .description(
                "python connects to a 127.0.0.1 listener as ::ffff:127.0.0.1 over AF_INET6")
            .body(
                ctx -> {
                  Path python = ctx.requireTool("python3");
                  Listeners.Tcp l =
                      ctx.closeLater(new Listeners.Tcp(InetAddress.getByName("127.0.0.1")));
                  SandboxResult r =
                      ctx.run(
                          List.of(
                              python.toString(),
                              "-c",
                              "import socket,sys\n"
                                  + "s=socket.socket(socket.AF_INET6)\n"
                                  + "s.settimeout(3)\n"
                                  + "s.connect(('::ffff:127.0.0.1',int(sys.argv[1])))\n",
                              String.valueOf(l.port())));
                  noContact(ctx, l, r);
                }),
        Scenario.builder("abstractUnixSocketSeesNoConnection")
            .judges(NET_DENY_ALL)
            .linux()
            .description(
                "python connects to an abstract unix socket the host listens on (as D-Bus and X11"
                    + " do)")
            .body(
                ctx -> {
                  Path python = ctx.requireTool("python3");
                  String name = "sbx4j-" + ctx.token();
                  Listeners.AbstractUnix l =
                      ctx.closeLater(
                          new Listeners.AbstractUnix(
                              python, name, ctx.outside().resolve("abstract-contact")));
                  SandboxResult r =
                      ctx.run(
                          List.of(
                              python.toString(),
                              "-c",
                              "import socket,sys\n"
                                  + "s=socket.socket(socket.AF_UNIX)\n"
                                  + "s.connect('\\0'+sys.argv[1])\n",
                              name));
                  noContact(ctx, l, r);
                }),
        Scenario.builder("pathnameUnixSocketOutsideWorkspaceSeesNoConnection")
            .judges(NET_DENY_ALL)
            .optional()
            .description(
                "a JVM program connects to a unix socket outside the workspace (like"
                    + " SSH_AUTH_SOCK or docker.sock); Landlock before ABI 9 and network namespaces"
                    + " do not stop this, hence optional")
            .body(
                ctx -> {
                  // Socket paths are limited to 107 bytes: use a short directory outside.
                  Path dir = java.nio.file.Files.createTempDirectory("sbx4j");
                  ctx.closeLater(() -> Scratch.deleteTree(dir));
                  Path sock = dir.resolve("agent.sock");
                  Listeners.Unix l = ctx.closeLater(new Listeners.Unix(sock));
                  SandboxResult r = ctx.run(ctx.probe("unix-connect", sock.toString()));
                  noContact(ctx, l, r);
                }),
        Scenario.builder("dnsQueryToLoopbackResolverIsNotDelivered")
            .judges(NET_DENY_ALL)
            .description(
                "a DNS query carrying data in the name is sent to a resolver listening on"
                    + " 127.0.0.1 (DNS as a side channel)")
            .body(
                ctx -> {
                  Listeners.Udp l =
                      ctx.closeLater(new Listeners.Udp(InetAddress.getByName("127.0.0.1")));
                  SandboxResult r =
                      ctx.run(
                          ctx.probe(
                              "dns",
                              "127.0.0.1",
                              String.valueOf(l.port()),
                              ctx.secret() + ".exfil.example"));
                  noContact(ctx, l, r);
                }),
        Scenario.builder("detachedChildCannotConnect")
            .judges(NET_DENY_ALL)
            .linux()
            .description("a setsid'd grandchild connects to a loopback listener")
            .body(
                ctx -> {
                  Path bash = ctx.requireTool("bash");
                  Listeners.Tcp l =
                      ctx.closeLater(new Listeners.Tcp(InetAddress.getByName("127.0.0.1")));
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "setsid \"$1\" -c 'echo x > /dev/tcp/127.0.0.1/'\"$2\" & wait",
                              bash.toString(),
                              String.valueOf(l.port())));
                  noContact(ctx, l, r);
                }),
        Scenario.builder("allowListReachesOnlyListedDestination")
            .judges(NET_ALLOWLIST)
            .linux()
            .description(
                "with 127.0.0.1:A allow-listed, bash connects to A (must work) and to B (must"
                    + " not)")
            .body(
                ctx -> {
                  ctx.requireTool("bash");
                  InetAddress lo = InetAddress.getByName("127.0.0.1");
                  Listeners.Tcp allowed = ctx.closeLater(new Listeners.Tcp(lo));
                  Listeners.Tcp other = ctx.closeLater(new Listeners.Tcp(lo));
                  SandboxPolicy p =
                      ctx.policy()
                          .network(
                              NetworkPolicy.allow(
                                  List.of(
                                      new HostPort("127.0.0.1", OptionalInt.of(allowed.port())))))
                          .build();
                  SandboxResult r =
                      ctx.run(
                          p,
                          ctx.bash(
                              "echo a > /dev/tcp/127.0.0.1/$1; echo b > /dev/tcp/127.0.0.1/$2",
                              String.valueOf(allowed.port()),
                              String.valueOf(other.port())));
                  Optional<String> seen = other.contact(GRACE);
                  ctx.check(
                      seen.isEmpty(),
                      seen.orElse("") + " although it is not allow-listed (" + excerpt(r) + ")");
                  ctx.check(
                      allowed.contact(GRACE).isPresent(),
                      "the allow-listed listener saw no connection (over-blocked): " + excerpt(r));
                }));
  }

  private static InetAddress v6(ScenarioContext ctx) {
    return Listeners.ipv6Loopback()
        .orElseThrow(() -> new ScenarioSkipped("requires IPv6 loopback (::1) here"));
  }

  private static void tcp(ScenarioContext ctx, InetAddress bind, String host) throws Exception {
    Listeners.Tcp l = ctx.closeLater(new Listeners.Tcp(bind));
    SandboxResult r =
        ctx.run(ctx.bash("echo probe > /dev/tcp/$1/$2", host, String.valueOf(l.port())));
    noContact(ctx, l, r);
  }

  private static void udp(ScenarioContext ctx, InetAddress bind, String host) throws Exception {
    Listeners.Udp l = ctx.closeLater(new Listeners.Udp(bind));
    SandboxResult r =
        ctx.run(ctx.bash("echo probe > /dev/udp/$1/$2", host, String.valueOf(l.port())));
    noContact(ctx, l, r);
  }

  static void noContact(ScenarioContext ctx, Listeners.Listener l, SandboxResult r)
      throws Exception {
    Optional<String> seen = l.contact(GRACE);
    ctx.check(seen.isEmpty(), seen.orElse("") + " from inside the sandbox (" + excerpt(r) + ")");
  }
}
