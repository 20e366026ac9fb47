package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.launcher.windows.WindowsHost;

/** The probe every restrictedtoken isolator shares: Windows 10 or later. */
abstract class TokenIsolatorBase implements Isolator {
  private final RestrictedTokenBackend.HostFacts host;

  TokenIsolatorBase(RestrictedTokenBackend.HostFacts host) {
    this.host = host;
  }

  RestrictedTokenBackend.HostFacts host() {
    return host;
  }

  @Override
  public Availability probe() {
    return WindowsHost.probeOs(host.osName(), host.osVersion());
  }
}
