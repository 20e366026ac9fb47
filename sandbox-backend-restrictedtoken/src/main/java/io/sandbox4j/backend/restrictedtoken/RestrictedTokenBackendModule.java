package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.windows.WindowsLauncher;
import io.sandbox4j.launcher.windows.WindowsWorkspaceCleanup;

/** Registers the restrictedtoken backend and the shared Windows launcher. */
public final class RestrictedTokenBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(RestrictedTokenBackend.class);
    addLauncher(WindowsLauncher.class);
    addWorkspaceCleanup(WindowsWorkspaceCleanup.class);
  }
}
