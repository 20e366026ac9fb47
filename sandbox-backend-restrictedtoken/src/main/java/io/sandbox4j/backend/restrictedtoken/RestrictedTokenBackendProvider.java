package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.launcher.windows.WindowsBackendProvider;

/**
 * Contributes the restrictedtoken backend (with the engine's Windows host facts), the launcher that
 * applies its plans and the cleanup of what it sets up per workspace (found by ServiceLoader).
 */
public final class RestrictedTokenBackendProvider extends WindowsBackendProvider {

  public RestrictedTokenBackendProvider() {
    super(RestrictedTokenBackend::new, true);
  }
}
