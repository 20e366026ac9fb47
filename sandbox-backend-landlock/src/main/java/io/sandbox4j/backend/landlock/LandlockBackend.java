package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.List;

/**
 * The Landlock backend: a filesystem isolator and, from ABI 6, a process isolator. Priority 50:
 * cheap (rules applied in the launcher, no namespaces), preferred where it is enough.
 *
 * <p>No network isolator: Landlock (up to ABI 7) rules TCP by port only, so it can express neither
 * an allow-list by host nor "no network" (UDP, raw and unix sockets are not covered).
 */
final class LandlockBackend extends AbstractBackend {

  LandlockBackend(LinuxHost host) {
    this(host, new NioPathInspector());
  }

  LandlockBackend(LinuxHost host, PathInspector inspector) {
    super(
        "landlock",
        "Linux Landlock LSM (filesystem rules; signal and abstract unix socket scoping)",
        50,
        List.of(
            new LandlockFilesystemIsolator(host, new LandlockPlanner(inspector)),
            new LandlockProcessIsolator(host)));
  }
}
