package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.windows.WindowsLauncher;
import io.sandbox4j.launcher.windows.WindowsWorkspaceCleanup;

/** Registers the appcontainer backend and the shared Windows launcher. */
public final class AppContainerBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(AppContainerBackend.class);
    addLauncher(WindowsLauncher.class);
    addWorkspaceCleanup(WindowsWorkspaceCleanup.class);
  }
}
