package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * The entry point of a backend jar, found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/io.sandbox4j.api.spi.BackendProvider}. It needs a
 * public no-argument constructor.
 *
 * <pre>{@code
 * public final class MyBackendProvider implements BackendProvider {
 *   public List<SandboxBackend> backends(BackendContext context) {
 *     return List.of(new MyBackend());
 *   }
 * }
 * }</pre>
 *
 * <p>The engine calls each method once when it is created. They must be fast and free of side
 * effects: construct, never probe or do I/O (probing happens when a backend's availability is asked
 * for). Components several backends share (a host probe, a launcher) come from {@link
 * BackendContext#shared}, so that one engine holds one of each.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface BackendProvider {

  /** The backends this jar contributes; ids must be unique among every installed backend. */
  List<SandboxBackend> backends(BackendContext context);

  /**
   * The launchers this jar contributes. Several providers may return the same shared launcher
   * instance; two different launchers with one id are refused.
   */
  default List<Launcher> launchers(BackendContext context) {
    return List.of();
  }

  /** What reverts this jar's per-workspace state ({@code sandbox cleanup}). */
  default List<WorkspaceCleanup> workspaceCleanups(BackendContext context) {
    return List.of();
  }
}
