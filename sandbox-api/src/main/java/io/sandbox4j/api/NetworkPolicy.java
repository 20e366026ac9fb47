package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apiguardian.api.API;

/**
 * Whether and where the command may reach the network.
 *
 * <p>An allow-list is written in the filtering proxy's rule language ({@link #rules()}: {@code
 * host}, {@code *.suffix}, {@code host:port}, {@code host:*}, IP literals, CIDR blocks; ports 80
 * and 443 when none is given) with a deny-list that wins ({@link #deny()}). The entries are checked
 * by the proxy's parser (sandbox-proxy {@code NetworkRules}); this record only carries them. {@link
 * #allow()} is the part of the list an address-and-port filter can enforce (the Windows WFP
 * backend): entries without wildcards or blocks, with their ports spelled out.
 *
 * @param mode none (default), allow-list or all
 * @param allow destinations as host and port (absent port: every port); empty unless {@link
 *     NetworkMode#ALLOW}
 * @param rules the allow-list entries as written; empty unless {@link NetworkMode#ALLOW}
 * @param deny the deny-list entries as written (a deny entry without a port covers every port)
 * @param publish ports on 127.0.0.1 inside the sandbox that the host reaches at 127.0.0.1 on the
 *     same port ({@link Feature#NET_PUBLISH}); only with mode none or allow (with mode all the
 *     command's servers are on the host's loopback already)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record NetworkPolicy(
    NetworkMode mode,
    List<HostPort> allow,
    List<String> rules,
    List<String> deny,
    List<Integer> publish) {

  public static final NetworkPolicy NONE = new NetworkPolicy(NetworkMode.NONE, List.of());
  public static final NetworkPolicy ALL = new NetworkPolicy(NetworkMode.ALL, List.of());

  public NetworkPolicy {
    if (mode == null) {
      throw SandboxException.invalid("network mode is missing");
    }
    allow = List.copyOf(allow);
    rules = List.copyOf(rules);
    deny = List.copyOf(deny);
    publish = List.copyOf(publish);
    for (int port : publish) {
      if (port < 1 || port > 65535) {
        throw SandboxException.invalid("published port " + port + " is not in 1..65535");
      }
    }
    if (publish.stream().distinct().count() < publish.size()) {
      throw SandboxException.invalid("published ports " + publish + " name a port twice");
    }
    if (mode == NetworkMode.ALL && !publish.isEmpty()) {
      throw SandboxException.invalid(
          "publishing ports "
              + publish
              + " needs network mode 'none' or 'allow': with 'all' the command shares the host's"
              + " loopback, where its servers are reachable already");
    }
    if (mode == NetworkMode.ALLOW && allow.isEmpty() && rules.isEmpty()) {
      throw SandboxException.invalid(
          "network mode 'allow' needs at least one HOST[:PORT] entry (use mode 'none' for no"
              + " network)");
    }
    if (mode != NetworkMode.ALLOW && !(allow.isEmpty() && rules.isEmpty() && deny.isEmpty())) {
      throw SandboxException.invalid(
          "network allow-list entries "
              + (rules.isEmpty() ? allow : rules)
              + (deny.isEmpty() ? "" : " and deny-list entries " + deny)
              + " need mode 'allow', not '"
              + mode
              + "'");
    }
  }

  /** The form before published ports existed: none published. */
  public NetworkPolicy(
      NetworkMode mode, List<HostPort> allow, List<String> rules, List<String> deny) {
    this(mode, allow, rules, deny, List.of());
  }

  /** This policy with these ports published (replacing any published before). */
  public NetworkPolicy withPublish(List<Integer> ports) {
    return new NetworkPolicy(mode, allow, rules, deny, ports);
  }

  /**
   * The form before rules and deny-lists existed: each destination becomes a rule ({@code
   * host:port}, or {@code host:*} without a port); {@code *:PORT} has no rule form.
   */
  public NetworkPolicy(NetworkMode mode, List<HostPort> allow) {
    this(mode, allow, rulesOf(allow), List.of());
  }

  /** The allow-list mode with these destinations. */
  public static NetworkPolicy allow(List<HostPort> destinations) {
    return new NetworkPolicy(NetworkMode.ALLOW, destinations);
  }

  /**
   * The allow-list mode with entries in the proxy's rule language and a deny-list. {@link #allow()}
   * gets the entries a host-and-port filter can express.
   */
  public static NetworkPolicy allowRules(List<String> rules, List<String> deny) {
    if (rules.isEmpty()) {
      throw SandboxException.invalid(
          "network mode 'allow' needs at least one entry (use mode 'none' for no network)");
    }
    return new NetworkPolicy(NetworkMode.ALLOW, hostPortsOf(rules), rules, deny);
  }

  private static List<String> rulesOf(List<HostPort> allow) {
    List<String> out = new ArrayList<>();
    for (HostPort h : allow == null ? List.<HostPort>of() : allow) {
      if (!h.host().equals("*")) {
        out.add(h.port().isPresent() ? h.toString() : h + ":*");
      }
    }
    return out;
  }

  /** Entries without a wildcard or block, as host and port; 80 and 443 when no port is given. */
  private static List<HostPort> hostPortsOf(List<String> rules) {
    List<HostPort> out = new ArrayList<>();
    for (String r : rules) {
      if (r.contains("*") && !r.endsWith(":*") || r.contains("/") || r.startsWith("*")) {
        continue;
      }
      try {
        String entry = r.endsWith(":*") ? r.substring(0, r.length() - 2) : r;
        HostPort h = HostPort.parse(entry);
        if (h.port().isPresent() || r.endsWith(":*")) {
          out.add(h);
        } else {
          out.add(new HostPort(h.host(), OptionalInt.of(80)));
          out.add(new HostPort(h.host(), OptionalInt.of(443)));
        }
      } catch (SandboxException e) {
        // Not expressible as host and port; the proxy's parser judges the entry itself.
      }
    }
    return out;
  }
}
