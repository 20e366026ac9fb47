package io.sandbox4j.backend.wfp;

import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.windows.WindowsLauncher;

/** Registers the wfp backend and the shared Windows launcher. */
public final class WfpBackendModule extends BackendModule {
  @Override
  protected void configure() {
    addBackend(WfpBackend.class);
    addLauncher(WindowsLauncher.class);
  }
}
