package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.WorkspaceCleanup;
import java.nio.file.Path;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code sandbox cleanup} for the Windows backends: reverts the recorded one-time setup of a
 * workspace (ACL grants, placeholders, the AppContainer profile) through {@link
 * WindowsWorkspaceSetup#cleanup}. Elsewhere there is never anything recorded.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WindowsWorkspaceCleanup implements WorkspaceCleanup {
  private final WindowsHost host;

  WindowsWorkspaceCleanup(WindowsHost host) {
    this.host = host;
  }

  @Override
  public String description() {
    return "windows workspace setup";
  }

  @Override
  public List<String> cleanup(Path workspace) {
    if (!WindowsLauncher.isWindows(host.osName())) {
      return List.of();
    }
    return WindowsWorkspaceSetup.cleanup(workspace);
  }
}
