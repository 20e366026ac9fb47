package io.sandbox4j.backend.landlock;

import io.sandbox4j.launcher.linux.LinuxBackendProvider;

/**
 * Contributes the Landlock backend and the launcher that applies its plans (found by
 * ServiceLoader).
 */
public final class LandlockBackendProvider extends LinuxBackendProvider {

  public LandlockBackendProvider() {
    super(LandlockBackend::new);
  }
}
