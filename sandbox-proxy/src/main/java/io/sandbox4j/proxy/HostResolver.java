package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Turns a host name into the addresses the proxy may connect to. The proxy asks once per attempt,
 * judges every address it gets, and connects to one of those very addresses: nothing is looked up
 * twice, so a name cannot resolve to one address when judged and another when connected.
 */
@API(status = EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface HostResolver {

  /**
   * The addresses of {@code host} (a name, never an IP literal), in the order to try them.
   *
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The JDK's resolver ({@link InetAddress#getAllByName}), so the host's resolver settings. */
  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
