package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.apiguardian.api.API;

/**
 * One FWPM_FILTER_CONDITION0 (match type FWP_MATCH_EQUAL) of a sandbox filter.
 *
 * @param field the condition field
 * @param address the remote address for {@link Field#REMOTE_ADDRESS}, else null
 * @param port the remote port for {@link Field#REMOTE_PORT}, else 0
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record WfpCondition(Field field, InetAddress address, int port) {

  /** The condition fields used, with their SDK GUIDs. */
  public enum Field {
    /** FWPM_CONDITION_ALE_PACKAGE_ID = the run's AppContainer SID (FWP_SID), known at launch. */
    PACKAGE_ID(WfpConstants.FWPM_CONDITION_ALE_PACKAGE_ID),
    /** FWPM_CONDITION_IP_REMOTE_ADDRESS: FWP_UINT32 (IPv4) or FWP_BYTE_ARRAY16_TYPE (IPv6). */
    REMOTE_ADDRESS(WfpConstants.FWPM_CONDITION_IP_REMOTE_ADDRESS),
    /** FWPM_CONDITION_IP_REMOTE_PORT: FWP_UINT16. */
    REMOTE_PORT(WfpConstants.FWPM_CONDITION_IP_REMOTE_PORT);

    private final String guid;

    Field(String guid) {
      this.guid = guid;
    }

    public String guid() {
      return guid;
    }
  }

  public WfpCondition {
    switch (field) {
      case PACKAGE_ID -> {
        if (address != null || port != 0) {
          throw new IllegalArgumentException("a package condition carries no address or port");
        }
      }
      case REMOTE_ADDRESS -> {
        if (address == null) {
          throw new IllegalArgumentException("a remote address condition needs an address");
        }
      }
      case REMOTE_PORT -> {
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("remote port " + port + " is not in 1..65535");
        }
      }
    }
  }

  public static WfpCondition packageId() {
    return new WfpCondition(Field.PACKAGE_ID, null, 0);
  }

  public static WfpCondition remoteAddress(InetAddress a) {
    return new WfpCondition(Field.REMOTE_ADDRESS, a, 0);
  }

  public static WfpCondition remotePort(int port) {
    return new WfpCondition(Field.REMOTE_PORT, null, port);
  }

  /** Whether this condition can appear at a layer of that address family. */
  boolean fits(WfpLayer layer) {
    if (field != Field.REMOTE_ADDRESS) {
      return true;
    }
    return layer.isV6() ? address instanceof Inet6Address : address instanceof Inet4Address;
  }

  @Override
  public String toString() {
    return switch (field) {
      case PACKAGE_ID -> "package=<container SID>";
      case REMOTE_ADDRESS -> "remote-address=" + address.getHostAddress();
      case REMOTE_PORT -> "remote-port=" + port;
    };
  }
}
