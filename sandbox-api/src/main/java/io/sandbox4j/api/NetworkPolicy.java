package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Whether and where the command may reach the network.
 *
 * @param mode none (default), allow-list or all
 * @param allow destinations reachable in {@link NetworkMode#ALLOW} mode; empty otherwise
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record NetworkPolicy(NetworkMode mode, List<HostPort> allow) {

  public static final NetworkPolicy NONE = new NetworkPolicy(NetworkMode.NONE, List.of());
  public static final NetworkPolicy ALL = new NetworkPolicy(NetworkMode.ALL, List.of());

  public NetworkPolicy {
    if (mode == null) {
      throw SandboxException.invalid("network mode is missing");
    }
    allow = List.copyOf(allow);
    if (mode == NetworkMode.ALLOW && allow.isEmpty()) {
      throw SandboxException.invalid(
          "network mode 'allow' needs at least one HOST[:PORT] entry (use mode 'none' for no"
              + " network)");
    }
    if (mode != NetworkMode.ALLOW && !allow.isEmpty()) {
      throw SandboxException.invalid(
          "network allow-list entries " + allow + " need mode 'allow', not '" + mode + "'");
    }
  }

  /** The allow-list mode with these destinations. */
  public static NetworkPolicy allow(List<HostPort> destinations) {
    return new NetworkPolicy(NetworkMode.ALLOW, destinations);
  }
}
