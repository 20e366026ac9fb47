package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.windows.WindowsHost;
import java.util.List;

/**
 * A restricted, low-integrity copy of the caller's token in a job object: no privileges, no admin
 * groups, writes only where the workspace SID is granted, resource limits, a private desktop.
 */
final class RestrictedTokenBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  RestrictedTokenBackend(WindowsHost host) {
    this.isolators =
        List.of(
            new TokenFilesystemIsolator(host),
            new TokenProcessIsolator(host),
            new JobResourceIsolator(host));
  }

  @Override
  public String id() {
    return "restrictedtoken";
  }

  @Override
  public String description() {
    return "Windows restricted token + job object (write confinement, no privileges, limits)";
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  @Override
  public int priority() {
    return 60;
  }
}
