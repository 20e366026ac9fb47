package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A pluggable sandbox backend: a named set of isolators sharing one mechanism.
 *
 * <p>Backends are contributed by a {@link BackendProvider} that the engine discovers through {@link
 * java.util.ServiceLoader}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface SandboxBackend {

  /** Unique id, lower-case letters, digits and dashes, e.g. {@code landlock}. */
  String id();

  /** One line saying what the backend uses, e.g. "Linux Landlock LSM (filesystem, TCP ports)". */
  String description();

  /** The isolators this backend contributes; at least one. */
  List<Isolator> isolators();

  /**
   * Order in automatic selection: lower first. Automatic selection takes, for each required feature
   * not yet covered, the first available isolator that enforces it.
   */
  default int priority() {
    return 100;
  }
}
