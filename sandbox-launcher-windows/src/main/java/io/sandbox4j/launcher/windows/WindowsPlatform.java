package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendContext;
import org.apiguardian.api.API;

/**
 * What every Windows backend of one engine shares: the host facts ({@link WindowsHost}, read once),
 * the {@link WindowsLauncher} (its Win32 libraries are loaded once) and the {@link
 * WindowsWorkspaceCleanup}. A backend provider gets it with {@link #shared(BackendContext)} and
 * passes {@link #host()} to its backend.
 *
 * @param host the engine's one reading of the host
 * @param launcher the engine's one Windows launcher
 * @param workspaceCleanup what {@code sandbox cleanup} reverts for the backends that set workspaces
 *     up
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record WindowsPlatform(
    WindowsHost host, WindowsLauncher launcher, WindowsWorkspaceCleanup workspaceCleanup) {

  /** The engine's one instance. */
  public static WindowsPlatform shared(BackendContext context) {
    return context.shared(WindowsPlatform.class, () -> on(WindowsHost.current()));
  }

  private static WindowsPlatform on(WindowsHost host) {
    return new WindowsPlatform(
        host,
        new WindowsLauncher(host.osName(), host.osVersion()),
        new WindowsWorkspaceCleanup(host));
  }
}
