package io.sandbox4j.core;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A backend for engine tests: declares what it is told and enforces nothing. It records each
 * contribution so tests can see which isolators the engine selected.
 */
final class FakeBackend implements SandboxBackend {
  final String id;
  final int priority;
  final List<Isolator> isolators = new ArrayList<>();
  final List<String> contributions = new ArrayList<>();

  /** What every isolator of this backend says about features it does not declare here. */
  final Map<Feature, String> whyNot = new EnumMap<>(Feature.class);

  /** What every isolator of this backend adds to the spec besides recording itself. */
  Consumer<LaunchSpec> onContribute = spec -> {};

  FakeBackend(String id, int priority) {
    this.id = id;
    this.priority = priority;
  }

  FakeBackend isolator(String isolatorId, Availability availability, Feature... features) {
    Set<Feature> fs = features.length == 0 ? Set.of() : EnumSet.of(features[0], features);
    isolators.add(
        new Isolator() {
          @Override
          public String id() {
            return isolatorId;
          }

          @Override
          public Aspect aspect() {
            return fs.isEmpty() ? Aspect.PROCESS : fs.iterator().next().aspect();
          }

          @Override
          public Set<Feature> features() {
            return fs;
          }

          @Override
          public Availability probe() {
            return availability;
          }

          @Override
          public Optional<String> whyNotDeclared(Feature feature) {
            return Optional.ofNullable(whyNot.get(feature));
          }

          @Override
          public void contribute(
              SandboxPolicy policy, java.util.Set<Feature> owned, LaunchSpec spec) {
            contributions.add(isolatorId);
            onContribute.accept(spec);
          }
        });
    return this;
  }

  /** A backend that claims every feature except those the engine provides itself. */
  static FakeBackend claimingEverything(String id) {
    EnumSet<Feature> all = EnumSet.allOf(Feature.class);
    all.remove(Feature.PROC_ENV_SCRUB);
    all.remove(Feature.RES_TIMEOUT);
    return new FakeBackend(id, 100)
        .isolator("all", Availability.available(""), all.toArray(new Feature[0]));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String description() {
    return "fake " + id;
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  @Override
  public int priority() {
    return priority;
  }
}
