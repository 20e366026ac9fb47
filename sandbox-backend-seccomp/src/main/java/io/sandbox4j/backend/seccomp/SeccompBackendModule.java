package io.sandbox4j.backend.seccomp;

import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.linux.NativeLauncher;

/** Registers the seccomp backend. */
public final class SeccompBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(SeccompBackend.class);
    addLauncher(NativeLauncher.class);
  }
}
