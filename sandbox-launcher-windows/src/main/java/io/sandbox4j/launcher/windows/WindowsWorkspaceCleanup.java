package io.sandbox4j.launcher.windows;

import io.sandbox4j.api.spi.WorkspaceCleanup;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code sandbox cleanup} for the Windows backends: reverts the recorded one-time setup of a
 * workspace (ACL grants, placeholders, the AppContainer profile) through {@link
 * WindowsWorkspaceSetup#cleanup}. Elsewhere there is never anything recorded.
 */
@Singleton
public final class WindowsWorkspaceCleanup implements WorkspaceCleanup {

  @Override
  public String description() {
    return "windows workspace setup";
  }

  @Override
  public List<String> cleanup(Path workspace) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      return List.of();
    }
    return WindowsWorkspaceSetup.cleanup(workspace);
  }
}
