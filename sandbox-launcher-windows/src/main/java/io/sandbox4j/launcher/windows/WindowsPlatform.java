package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendContext;
import org.apiguardian.api.API;

/**
 * What every Windows backend of one engine shares: the host facts ({@link WindowsHost}, read once),
 * the {@link WindowsLauncher} (its Win32 libraries are loaded once) and the {@link
 * WindowsWorkspaceCleanup}. A backend provider gets it with {@link #shared(BackendContext)} and
 * passes {@link #host()} to its backend.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WindowsPlatform {
  private final WindowsHost host;
  private final WindowsLauncher launcher;
  private final WindowsWorkspaceCleanup cleanup;

  private WindowsPlatform(WindowsHost host) {
    this.host = host;
    this.launcher = new WindowsLauncher(host.osName(), host.osVersion());
    this.cleanup = new WindowsWorkspaceCleanup(host);
  }

  /** The engine's one instance. */
  public static WindowsPlatform shared(BackendContext context) {
    return context.shared(WindowsPlatform.class, () -> new WindowsPlatform(WindowsHost.current()));
  }

  public WindowsHost host() {
    return host;
  }

  public WindowsLauncher launcher() {
    return launcher;
  }

  public WindowsWorkspaceCleanup workspaceCleanup() {
    return cleanup;
  }
}
