package io.sandbox4j.backend.seccomp;

import io.sandbox4j.core.BackendModule;

/** Registers the seccomp backend. */
public final class SeccompBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(SeccompBackend.class);
    // addLauncher(io.sandbox4j.launcher.linux.NativeLauncher.class) is added when the native
    // launcher is merged.
  }
}
