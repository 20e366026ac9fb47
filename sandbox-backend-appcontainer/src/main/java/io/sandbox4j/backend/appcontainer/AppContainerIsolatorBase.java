package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.launcher.windows.WindowsHost;

/** The probe every appcontainer isolator shares: Windows 10 or later. */
abstract class AppContainerIsolatorBase implements Isolator {
  private final AppContainerBackend.HostFacts host;

  AppContainerIsolatorBase(AppContainerBackend.HostFacts host) {
    this.host = host;
  }

  AppContainerBackend.HostFacts host() {
    return host;
  }

  @Override
  public Availability probe() {
    return WindowsHost.probeOs(host.osName(), host.osVersion());
  }
}
