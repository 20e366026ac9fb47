package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What the rules say about one destination.
 *
 * @param allowed whether the proxy may connect
 * @param rule the entry that decided: the deny entry that refused, or the allow entry that allowed;
 *     empty when no entry matched (then the destination is not in the allow-list) or when an
 *     address was refused by its class
 * @param reason why, in words a user can act on ({@code "not in the allow-list"}, {@code "denied by
 *     'evil.example'"}, {@code "resolves to 127.0.0.1 (loopback), which only an entry naming that
 *     address allows"})
 * @param addresses when allowed, the checked addresses to connect to, in order; when refused by an
 *     address, that address; otherwise empty
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Decision(
    boolean allowed, Optional<NetworkRule> rule, String reason, List<InetAddress> addresses) {

  public Decision {
    addresses = List.copyOf(addresses);
  }

  static Decision allow(NetworkRule rule, String reason, List<InetAddress> addresses) {
    return new Decision(true, Optional.of(rule), reason, addresses);
  }

  static Decision deny(NetworkRule rule, String reason, List<InetAddress> addresses) {
    return new Decision(false, Optional.ofNullable(rule), reason, addresses);
  }

  /** The deciding entry as written, or empty. */
  public Optional<String> ruleEntry() {
    return rule.map(NetworkRule::entry);
  }
}
