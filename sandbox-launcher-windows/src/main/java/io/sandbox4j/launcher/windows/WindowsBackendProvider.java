package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * A provider of one Windows backend that launches through the {@link WindowsLauncher}: it builds
 * the backend on the engine's shared {@link WindowsPlatform} host facts and contributes the shared
 * launcher and, when the backend sets workspaces up, the shared {@link WindowsWorkspaceCleanup}. A
 * subclass is a public class whose no-argument constructor names the backend's constructor, listed
 * in {@code META-INF/services/io.sandbox4j.api.spi.BackendProvider}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class WindowsBackendProvider implements BackendProvider {
  private final Function<WindowsHost, ? extends SandboxBackend> backend;
  private final boolean setsUpWorkspaces;

  /**
   * @param backend builds the backend on the engine's one reading of the host; it constructs only
   *     (no probing, no I/O)
   * @param setsUpWorkspaces whether the backend's runs leave per-workspace setup (ACL grants,
   *     placeholders of missing protected paths, the AppContainer profile) that {@code sandbox
   *     cleanup} reverts
   */
  protected WindowsBackendProvider(
      Function<WindowsHost, ? extends SandboxBackend> backend, boolean setsUpWorkspaces) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.setsUpWorkspaces = setsUpWorkspaces;
  }

  @Override
  public final List<SandboxBackend> backends(BackendContext context) {
    return List.of(backend.apply(WindowsPlatform.shared(context).host()));
  }

  /** The engine's one Windows launcher, whichever Windows provider asks for it. */
  @Override
  public final List<Launcher> launchers(BackendContext context) {
    return List.of(WindowsPlatform.shared(context).launcher());
  }

  @Override
  public final List<WorkspaceCleanup> workspaceCleanups(BackendContext context) {
    return setsUpWorkspaces
        ? List.of(WindowsPlatform.shared(context).workspaceCleanup())
        : List.of();
  }
}
