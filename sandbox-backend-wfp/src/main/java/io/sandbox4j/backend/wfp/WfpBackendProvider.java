package io.sandbox4j.backend.wfp;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.windows.WindowsPlatform;
import java.util.List;

/**
 * Contributes the wfp backend (with the engine's Windows host facts) and the launcher that applies
 * its plans (found by ServiceLoader).
 */
public final class WfpBackendProvider implements BackendProvider {

  @Override
  public List<SandboxBackend> backends(BackendContext context) {
    return List.of(new WfpBackend(WindowsPlatform.shared(context).host()));
  }

  @Override
  public List<Launcher> launchers(BackendContext context) {
    return List.of(WindowsPlatform.shared(context).launcher());
  }
}
