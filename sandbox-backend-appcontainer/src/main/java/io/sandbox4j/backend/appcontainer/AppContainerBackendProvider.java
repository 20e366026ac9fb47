package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import io.sandbox4j.launcher.windows.WindowsPlatform;
import java.util.List;

/**
 * Contributes the appcontainer backend (with the engine's Windows host facts), the launcher that
 * applies its plans and the cleanup of what it sets up per workspace (found by ServiceLoader).
 */
public final class AppContainerBackendProvider implements BackendProvider {

  @Override
  public List<SandboxBackend> backends(BackendContext context) {
    return List.of(new AppContainerBackend(WindowsPlatform.shared(context).host()));
  }

  @Override
  public List<Launcher> launchers(BackendContext context) {
    return List.of(WindowsPlatform.shared(context).launcher());
  }

  @Override
  public List<WorkspaceCleanup> workspaceCleanups(BackendContext context) {
    return List.of(WindowsPlatform.shared(context).workspaceCleanup());
  }
}
