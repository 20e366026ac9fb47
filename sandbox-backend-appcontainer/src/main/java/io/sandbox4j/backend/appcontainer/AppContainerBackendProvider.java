package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.launcher.windows.WindowsBackendProvider;

/**
 * Contributes the appcontainer backend (with the engine's Windows host facts), the launcher that
 * applies its plans and the cleanup of what it sets up per workspace (found by ServiceLoader).
 */
public final class AppContainerBackendProvider extends WindowsBackendProvider {

  public AppContainerBackendProvider() {
    super(AppContainerBackend::new, true);
  }
}
