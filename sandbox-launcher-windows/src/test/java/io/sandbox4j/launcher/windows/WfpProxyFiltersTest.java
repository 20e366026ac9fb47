package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_FILTER_CONDITION0;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WFP side of a proxy-enforced allow-list (issue 12), planned and translated on any OS: the
 * container may reach the proxy's 127.0.0.1 port and nothing else. Not run on Windows here.
 */
class WfpProxyFiltersTest {

  @Test
  void theFourBlocksAndOnePermitForTheProxysLoopbackPort() throws Exception {
    List<WfpFilter> f = WindowsPlanner.wfpProxyFilters(49_152);
    assertThat(f.subList(0, 4))
        .isEqualTo(WindowsPlanner.wfpFilters(NetworkPolicy.NONE, h -> List.of()));
    assertThat(f)
        .hasSize(5)
        .last()
        .isEqualTo(
            new WfpFilter(
                WfpLayer.ALE_AUTH_CONNECT_V4,
                WfpFilter.Action.PERMIT,
                WindowsPlanner.PERMIT_WEIGHT,
                List.of(
                    WfpCondition.packageId(),
                    WfpCondition.remoteAddress(InetAddress.getByName("127.0.0.1")),
                    WfpCondition.remotePort(49_152))));
    // nothing inbound, nothing over IPv6, no other port
    assertThat(f)
        .filteredOn(x -> x.action() == WfpFilter.Action.PERMIT)
        .allSatisfy(x -> assertThat(x.layer().isConnect() && !x.layer().isV6()).isTrue());
  }

  @Test
  void thePermitTranslatesToHostOrderLoopbackAndTheProxysPort() {
    WfpFilter permit = WindowsPlanner.wfpProxyFilters(3128).get(4);
    Memory sid = new Memory(8);
    List<Memory> keep = new ArrayList<>();
    Memory array = WfpSession.conditions(permit.conditions(), sid, keep);
    int size = new FWPM_FILTER_CONDITION0().size();
    List<FWPM_FILTER_CONDITION0> c = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FWPM_FILTER_CONDITION0 x = new FWPM_FILTER_CONDITION0(array.share((long) i * size));
      x.read();
      c.add(x);
    }
    assertThat(c.get(0).conditionValue.type).isEqualTo(Win32Constants.FWP_SID);
    assertThat(c.get(1).conditionValue.type).isEqualTo(Win32Constants.FWP_UINT32);
    assertThat(c.get(1).conditionValue.value).isEqualTo(0x7F000001L);
    assertThat(c.get(2).conditionValue.type).isEqualTo(Win32Constants.FWP_UINT16);
    assertThat(c.get(2).conditionValue.value).isEqualTo(3128L);
    assertThat(c)
        .allSatisfy(x -> assertThat(x.matchType).isEqualTo(Win32Constants.FWP_MATCH_EQUAL));
    assertThat(keep).as("no IPv6 array to keep alive").isEmpty();
  }
}
