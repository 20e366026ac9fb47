package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.List;

/**
 * The Landlock backend: a filesystem isolator and, from ABI 6, a process isolator.
 *
 * <p>No network isolator: Landlock (up to ABI 7) rules TCP by port only, so it can express neither
 * an allow-list by host nor "no network" (UDP, raw and unix sockets are not covered).
 */
final class LandlockBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  LandlockBackend(LinuxHost host) {
    this(host, new NioPathInspector());
  }

  LandlockBackend(LinuxHost host, PathInspector inspector) {
    this.isolators =
        List.of(
            new LandlockFilesystemIsolator(host, new LandlockPlanner(inspector)),
            new LandlockProcessIsolator(host));
  }

  @Override
  public String id() {
    return "landlock";
  }

  @Override
  public String description() {
    return "Linux Landlock LSM (filesystem rules; signal and abstract unix socket scoping)";
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  /** Cheap (rules applied in the launcher, no namespaces): preferred where it is enough. */
  @Override
  public int priority() {
    return 50;
  }
}
