package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.launcher.windows.WindowsHost;
import java.util.List;

/**
 * Windows AppContainer: a per-workspace container for files, network and processes. Priority 50:
 * selected before the restrictedtoken (60) and wfp (70) backends.
 */
final class AppContainerBackend extends AbstractBackend {

  AppContainerBackend(WindowsHost host) {
    super(
        "appcontainer",
        "Windows AppContainer (files, no network, process isolation)",
        50,
        List.of(
            new AppContainerFilesystemIsolator(host),
            new AppContainerNetworkIsolator(host),
            new AppContainerProcessIsolator(host)));
  }
}
