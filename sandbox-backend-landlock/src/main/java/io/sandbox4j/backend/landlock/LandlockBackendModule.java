package io.sandbox4j.backend.landlock;

import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.linux.NativeLauncher;

/** Registers the Landlock backend. */
public final class LandlockBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(LandlockBackend.class);
    addLauncher(NativeLauncher.class);
  }
}
