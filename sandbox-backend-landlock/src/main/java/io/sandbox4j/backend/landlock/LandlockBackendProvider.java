package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.linux.LinuxPlatform;
import java.util.List;

/**
 * Contributes the Landlock backend and the launcher that applies its plans (found by
 * ServiceLoader).
 */
public final class LandlockBackendProvider implements BackendProvider {

  @Override
  public List<SandboxBackend> backends(BackendContext context) {
    LinuxPlatform platform = LinuxPlatform.shared(context);
    return List.of(new LandlockBackend(platform.host()));
  }

  @Override
  public List<Launcher> launchers(BackendContext context) {
    return List.of(LinuxPlatform.shared(context).launcher());
  }
}
