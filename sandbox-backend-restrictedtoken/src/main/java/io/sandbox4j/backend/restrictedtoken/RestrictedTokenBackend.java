package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.List;
import java.util.Map;

/**
 * A restricted, low-integrity copy of the caller's token in a job object: no privileges, no admin
 * groups, writes only where the workspace SID is granted, resource limits, a private desktop.
 */
final class RestrictedTokenBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  RestrictedTokenBackend() {
    this(
        new HostFacts(
            System.getProperty("os.name", "unknown"),
            System.getProperty("os.version", ""),
            System.getenv()));
  }

  RestrictedTokenBackend(HostFacts host) {
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

  /** What the isolators need to know about the host. */
  record HostFacts(String osName, String osVersion, Map<String, String> environment) {}
}
