package io.sandbox4j.testkit.fakes;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import java.util.Set;

/** An isolator that declares features and enforces none of them: the lie the testkit must catch. */
final class DeclaringIsolator implements Isolator {
  private final String id;
  private final Aspect aspect;
  private final Set<Feature> features;

  DeclaringIsolator(String id, Aspect aspect, Set<Feature> features) {
    this.id = id;
    this.aspect = aspect;
    this.features = Set.copyOf(features);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Aspect aspect() {
    return aspect;
  }

  @Override
  public Set<Feature> features() {
    return features;
  }

  @Override
  public Availability probe() {
    return Availability.available("fake for the testkit's self-test");
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    // Deliberately nothing.
  }
}
