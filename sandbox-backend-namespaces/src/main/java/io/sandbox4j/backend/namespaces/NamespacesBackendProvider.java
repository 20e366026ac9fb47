package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import io.sandbox4j.launcher.linux.LinuxBackendProvider;
import java.util.List;

/**
 * Contributes the namespaces backend, the launcher that applies its plans and the cleanup of the
 * placeholders earlier versions left (found by ServiceLoader).
 */
public final class NamespacesBackendProvider extends LinuxBackendProvider {

  public NamespacesBackendProvider() {
    super(NamespacesBackend::new);
  }

  @Override
  public List<WorkspaceCleanup> workspaceCleanups(BackendContext context) {
    return List.of(new PlaceholderCleanup());
  }
}
