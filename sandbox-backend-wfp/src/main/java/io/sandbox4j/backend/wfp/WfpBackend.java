package io.sandbox4j.backend.wfp;

import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.util.List;
import java.util.function.Supplier;

/**
 * Windows Filtering Platform: per-run filters in a dynamic session at the ALE connect and accept
 * layers, keyed by the run's AppContainer package SID, blocking by default and permitting the
 * allow-list. Priority 70: selected after the appcontainer (50) and restrictedtoken (60) backends.
 */
final class WfpBackend extends AbstractBackend {

  /** With the real WFP rights probe and the system's name resolution. */
  WfpBackend(WindowsHost host) {
    this(host, WindowsHost::probeWfp, WindowsPlanner.HostResolver.SYSTEM);
  }

  WfpBackend(
      WindowsHost host, Supplier<Availability> wfpRights, WindowsPlanner.HostResolver resolver) {
    super(
        "wfp",
        "Windows Filtering Platform (network deny and allow-list, with appcontainer)",
        70,
        List.of(new WfpNetworkIsolator(host, wfpRights, resolver)));
  }
}
