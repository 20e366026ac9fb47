package io.sandbox4j.core;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses isolators for a policy, gives each required feature to exactly one of them, and refuses,
 * naming every uncovered restriction, when the choice cannot enforce it all. No silent best effort.
 *
 * <p>Candidates are the available isolators of every installed backend (automatic choice) or of the
 * named backends plus the built-in {@code core} backend (explicit choice), in backend priority
 * order. Each required feature is owned by the first candidate that declares it; the selected
 * isolators are the owners, each told which features it owns. So two isolators never enforce one
 * feature in two ways, and a candidate that owns nothing does not take part in the run.
 */
final class IsolatorSelector {
  private final BackendRegistry registry;

  IsolatorSelector(BackendRegistry registry) {
    this.registry = registry;
  }

  SandboxPlan select(SandboxPolicy policy, List<String> backendIds, Set<Feature> waived) {
    Set<Feature> required = EnumSet.noneOf(Feature.class);
    required.addAll(policy.requiredFeatures());
    required.removeAll(waived);
    List<Candidate> candidates = candidates(backendIds);
    Map<Candidate, Set<Feature>> owned = new LinkedHashMap<>();
    List<Feature> uncovered = new ArrayList<>();
    for (Feature f : required) {
      Candidate owner = candidates.stream().filter(c -> c.declares(f)).findFirst().orElse(null);
      if (owner == null) {
        uncovered.add(f);
      } else {
        owned.computeIfAbsent(owner, o -> EnumSet.noneOf(Feature.class)).add(f);
      }
    }
    if (!uncovered.isEmpty()) {
      throw SandboxException.cannotSandbox(refusal(uncovered, backendIds));
    }
    List<SelectedIsolator> isolators = new ArrayList<>();
    Map<Feature, SelectedIsolator> coverage = new EnumMap<>(Feature.class);
    for (Candidate c : candidates) {
      Set<Feature> mine = owned.get(c);
      if (mine != null) {
        SelectedIsolator s = new SelectedIsolator(c.backend(), c.isolator(), mine);
        isolators.add(s);
        mine.forEach(f -> coverage.put(f, s));
      }
    }
    return new SandboxPlan(policy, isolators, coverage);
  }

  private record Candidate(SandboxBackend backend, Isolator isolator) {
    boolean declares(Feature f) {
      return isolator.features().contains(f);
    }
  }

  /** Available isolators of the candidate backends, in backend priority order. */
  private List<Candidate> candidates(List<String> backendIds) {
    Set<String> chosen = new LinkedHashSet<>();
    if (!backendIds.isEmpty()) {
      chosen.add(CoreBackend.ID);
      for (String id : backendIds) {
        chosen.add(registry.backend(id).id()); // an unknown id fails here, listing the known ones
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (SandboxBackend b : registry.backends()) {
      if (!chosen.isEmpty() && !chosen.contains(b.id())) {
        continue;
      }
      for (Isolator i : b.isolators()) {
        if (i.probe().available()) {
          out.add(new Candidate(b, i));
        }
      }
    }
    return out;
  }

  private String refusal(List<Feature> uncovered, List<String> backendIds) {
    return Refusal.message(registry.backends(), uncovered, backendIds);
  }
}
