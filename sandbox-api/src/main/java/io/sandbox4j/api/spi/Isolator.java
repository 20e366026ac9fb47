package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * One isolation mechanism of a backend, for one aspect.
 *
 * <p>Implementations are stateless with respect to runs: {@link #contribute} may be called
 * concurrently for different runs.
 */
@API(status = STABLE, since = "0.1")
public interface Isolator {

  /** Unique within its backend, lower-case, e.g. {@code filesystem}. */
  String id();

  Aspect aspect();

  /**
   * Exactly the features this isolator enforces on this host when it is available. A feature listed
   * here that is not enforced is a security bug: the conformance testkit checks every one.
   */
  Set<Feature> features();

  /** Whether the isolator works on this host. Cheap after the first call. */
  Availability probe();

  /**
   * Adds what this isolator needs to the launch, for every feature it declares that {@code policy}
   * requires. Throws {@link io.sandbox4j.api.SandboxException} (exit 125) when this policy cannot
   * be enforced after all; never returns having enforced less than it declared.
   */
  void contribute(SandboxPolicy policy, LaunchSpec spec);
}
