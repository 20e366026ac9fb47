package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import java.util.EnumSet;
import java.util.Set;

/**
 * No network: an AppContainer without network capabilities reaches nothing, loopback included.
 * Allow-lists need the wfp backend (the capability alone would open every destination).
 */
final class AppContainerNetworkIsolator extends AppContainerIsolatorBase {

  AppContainerNetworkIsolator(AppContainerBackend.HostFacts host) {
    super(host);
  }

  @Override
  public String id() {
    return "network";
  }

  @Override
  public Aspect aspect() {
    return Aspect.NETWORK;
  }

  @Override
  public Set<Feature> features() {
    return EnumSet.of(Feature.NET_DENY_ALL);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    if (policy.network().mode() != NetworkMode.NONE) {
      throw SandboxException.cannotSandbox(
          "the appcontainer network isolator only denies all network; network mode '"
              + policy.network().mode().name().toLowerCase(java.util.Locale.ROOT)
              + "' needs the wfp backend");
    }
    AppContainerPlans.ensure(policy, spec);
  }
}
