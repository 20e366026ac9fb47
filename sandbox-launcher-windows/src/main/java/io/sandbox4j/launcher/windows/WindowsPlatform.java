package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendContext;
import org.apiguardian.api.API;

/**
 * What every Windows backend of one engine shares: the {@link WindowsLauncher} (its Win32 libraries
 * are loaded once) and the {@link WindowsWorkspaceCleanup}. A backend provider gets it with {@link
 * #shared(BackendContext)}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WindowsPlatform {
  private final WindowsLauncher launcher = new WindowsLauncher();
  private final WindowsWorkspaceCleanup cleanup = new WindowsWorkspaceCleanup();

  private WindowsPlatform() {}

  /** The engine's one instance. */
  public static WindowsPlatform shared(BackendContext context) {
    return context.shared(WindowsPlatform.class, WindowsPlatform::new);
  }

  public WindowsLauncher launcher() {
    return launcher;
  }

  public WindowsWorkspaceCleanup workspaceCleanup() {
    return cleanup;
  }
}
