package io.sandbox4j.backend.namespaces;

import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.linux.NativeLauncher;

/** Registers the namespaces backend and the native launcher that applies its plans. */
public final class NamespacesBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(NamespacesBackend.class);
    addLauncher(NativeLauncher.class);
    addWorkspaceCleanup(PlaceholderCleanup.class);
  }
}
