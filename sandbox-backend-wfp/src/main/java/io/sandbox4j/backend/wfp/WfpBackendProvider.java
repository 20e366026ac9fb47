package io.sandbox4j.backend.wfp;

import io.sandbox4j.launcher.windows.WindowsBackendProvider;

/**
 * Contributes the wfp backend (with the engine's Windows host facts) and the launcher that applies
 * its plans (found by ServiceLoader). Its filters live in a dynamic session that ends with the run:
 * nothing per workspace to clean up.
 */
public final class WfpBackendProvider extends WindowsBackendProvider {

  public WfpBackendProvider() {
    super(WfpBackend::new, false);
  }
}
