package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.windows.WindowsHost;
import java.util.List;

/** Windows AppContainer: a per-workspace container for files, network and processes. */
final class AppContainerBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  AppContainerBackend(WindowsHost host) {
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
}
