package io.sandbox4j.backend.wfp;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.util.List;
import java.util.function.Supplier;

/**
 * Windows Filtering Platform: per-run filters in a dynamic session at the ALE connect and accept
 * layers, keyed by the run's AppContainer package SID, blocking by default and permitting the
 * allow-list.
 */
final class WfpBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  /** With the real WFP rights probe and the system's name resolution. */
  WfpBackend(WindowsHost host) {
    this(host, WindowsHost::probeWfp, WindowsPlanner.HostResolver.SYSTEM);
  }

  WfpBackend(
      WindowsHost host, Supplier<Availability> wfpRights, WindowsPlanner.HostResolver resolver) {
    this.isolators = List.of(new WfpNetworkIsolator(host, wfpRights, resolver));
  }

  @Override
  public String id() {
    return "wfp";
  }

  @Override
  public String description() {
    return "Windows Filtering Platform (network deny and allow-list, with appcontainer)";
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  @Override
  public int priority() {
    return 70;
  }
}
