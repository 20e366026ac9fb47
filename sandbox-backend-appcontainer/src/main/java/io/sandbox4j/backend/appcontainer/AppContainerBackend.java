package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.List;
import java.util.Map;

/** Windows AppContainer: a per-workspace container for files, network and processes. */
final class AppContainerBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  AppContainerBackend() {
    this(
        new HostFacts(
            System.getProperty("os.name", "unknown"),
            System.getProperty("os.version", ""),
            System.getenv()));
  }

  AppContainerBackend(HostFacts host) {
    this.isolators =
        List.of(
            new AppContainerFilesystemIsolator(host),
            new AppContainerNetworkIsolator(host),
            new AppContainerProcessIsolator(host));
  }

  @Override
  public String id() {
    return "appcontainer";
  }

  @Override
  public String description() {
    return "Windows AppContainer (files, no network, process isolation)";
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  @Override
  public int priority() {
    return 50;
  }

  /** What the isolators need to know about the host; a record so tests can pass any values. */
  record HostFacts(String osName, String osVersion, Map<String, String> environment) {}
}
