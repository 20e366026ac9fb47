package io.sandbox4j.backend.seccomp;

import io.sandbox4j.launcher.linux.LinuxBackendProvider;

/**
 * Contributes the seccomp backend and the launcher that applies its plans (found by ServiceLoader).
 */
public final class SeccompBackendProvider extends LinuxBackendProvider {

  public SeccompBackendProvider() {
    super(SeccompBackend::new);
  }
}
