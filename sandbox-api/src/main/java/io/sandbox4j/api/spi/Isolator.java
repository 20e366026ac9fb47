package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * One isolation mechanism of a backend, for one aspect.
 *
 * <p>Implementations are stateless with respect to runs: {@link #contribute} may be called
 * concurrently for different runs, and what one run needs travels in its {@link LaunchSpec}. Extend
 * {@link AbstractIsolator} for the id, aspect and features.
 */
@API(status = EXPERIMENTAL, since = "0.1")
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
   * Adds to the launch what enforcing {@code owned} takes. The engine assigns every feature a run
   * requires to exactly one selected isolator, so {@code owned} is a non-empty subset of {@link
   * #features()} and of the policy's required features: an isolator enforces those and nothing else
   * of the policy (another isolator owns the rest, possibly by other means). It is only called when
   * {@link #probe()} says the isolator is available.
   *
   * <p>Throws {@link io.sandbox4j.api.SandboxException} (exit 125) when the policy cannot be
   * enforced after all; never returns having enforced less than {@code owned}.
   */
  void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec);

  /**
   * The features of this isolator that {@code policy} requires: what it owns when it is the only
   * isolator selected for them (a backend's own tests, a library caller driving one isolator).
   */
  default Set<Feature> requiredBy(SandboxPolicy policy) {
    EnumSet<Feature> out = EnumSet.noneOf(Feature.class);
    for (Feature f : features()) {
      if (policy.requiredFeatures().contains(f)) {
        out.add(f);
      }
    }
    return Collections.unmodifiableSet(out);
  }

  /**
   * What enforcing {@code owned} under {@code policy} amounts to on this host, one statement per
   * element, saying what bounds each resource or rule and what it leaves unbounded; {@code sandbox
   * explain} prints it. Pure: no I/O beyond what {@link #probe()} cached. Nothing by default.
   */
  default List<String> explain(SandboxPolicy policy, Set<Feature> owned) {
    return List.of();
  }

  /**
   * Why this isolator does not declare {@code feature} on this host although it would on a host
   * with what this one lacks (Landlock's write confinement without a user namespace, for example):
   * one sentence naming the missing kernel feature and the setting that enables it. The engine's
   * refusal quotes it beside the unavailable isolators. Empty by default: the isolator never
   * enforces the feature, or declares it here.
   */
  default Optional<String> whyNotDeclared(Feature feature) {
    return Optional.empty();
  }
}
