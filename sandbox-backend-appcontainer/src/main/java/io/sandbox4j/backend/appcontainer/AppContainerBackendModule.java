package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.windows.WindowsLauncher;

/** Registers the appcontainer backend and the shared Windows launcher. */
public final class AppContainerBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(AppContainerBackend.class);
    addLauncher(WindowsLauncher.class);
  }
}
