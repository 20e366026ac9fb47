package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** The WFP ALE layers sandbox4j filters at, with their SDK layer GUIDs. */
@API(status = EXPERIMENTAL, since = "0.1")
public enum WfpLayer {
  ALE_AUTH_CONNECT_V4(WfpConstants.FWPM_LAYER_ALE_AUTH_CONNECT_V4, false),
  ALE_AUTH_CONNECT_V6(WfpConstants.FWPM_LAYER_ALE_AUTH_CONNECT_V6, true),
  ALE_AUTH_RECV_ACCEPT_V4(WfpConstants.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, false),
  ALE_AUTH_RECV_ACCEPT_V6(WfpConstants.FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6, true);

  private final String guid;
  private final boolean v6;

  WfpLayer(String guid, boolean v6) {
    this.guid = guid;
    this.v6 = v6;
  }

  public String guid() {
    return guid;
  }

  public boolean isV6() {
    return v6;
  }

  public boolean isConnect() {
    return this == ALE_AUTH_CONNECT_V4 || this == ALE_AUTH_CONNECT_V6;
  }
}
