package io.sandbox4j.backend.landlock;

import io.sandbox4j.core.BackendModule;

/** Registers the Landlock backend. */
public final class LandlockBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(LandlockBackend.class);
    // addLauncher(io.sandbox4j.launcher.linux.NativeLauncher.class) is added when the native
    // launcher is merged.
  }
}
