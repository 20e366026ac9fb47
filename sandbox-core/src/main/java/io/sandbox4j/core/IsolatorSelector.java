package io.sandbox4j.core;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses isolators for a policy and refuses, naming every uncovered restriction, when the choice
 * cannot enforce it all. No silent best effort.
 *
 * <p>Automatic choice: for each required feature not yet covered, the first available isolator (in
 * backend priority order) that enforces it. Explicit choice: every available isolator of the named
 * backends (plus the built-in {@code core} backend) that enforces at least one required feature.
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
    List<SandboxBackend> candidates = candidates(backendIds);
    List<SelectedIsolator> selected = new ArrayList<>();
    if (backendIds.isEmpty()) {
      for (Feature f : required) {
        if (covers(selected, f)) {
          continue;
        }
        for (SandboxBackend b : candidates) {
          SelectedIsolator choice = firstAvailable(b, f);
          if (choice != null) {
            selected.add(choice);
            break;
          }
        }
      }
    } else {
      for (SandboxBackend b : candidates) {
        for (Isolator i : b.isolators()) {
          if (i.probe().available() && i.features().stream().anyMatch(required::contains)) {
            selected.add(new SelectedIsolator(b, i));
          }
        }
      }
    }
    Map<Feature, List<SelectedIsolator>> coverage = new EnumMap<>(Feature.class);
    List<Feature> uncovered = new ArrayList<>();
    for (Feature f : required) {
      List<SelectedIsolator> by = new ArrayList<>();
      for (SelectedIsolator s : selected) {
        if (s.isolator().features().contains(f)) {
          by.add(s);
        }
      }
      if (by.isEmpty()) {
        uncovered.add(f);
      } else {
        coverage.put(f, by);
      }
    }
    if (!uncovered.isEmpty()) {
      throw SandboxException.cannotSandbox(refusal(uncovered, backendIds));
    }
    return new SandboxPlan(policy, selected, coverage);
  }

  private List<SandboxBackend> candidates(List<String> backendIds) {
    if (backendIds.isEmpty()) {
      return registry.backends();
    }
    LinkedHashSet<SandboxBackend> chosen = new LinkedHashSet<>();
    chosen.add(registry.backend(CoreBackend.ID));
    for (String id : backendIds) {
      chosen.add(registry.backend(id));
    }
    return List.copyOf(chosen);
  }

  private static boolean covers(List<SelectedIsolator> selected, Feature f) {
    return selected.stream().anyMatch(s -> s.isolator().features().contains(f));
  }

  private static SelectedIsolator firstAvailable(SandboxBackend b, Feature f) {
    for (Isolator i : b.isolators()) {
      if (i.features().contains(f) && i.probe().available()) {
        return new SelectedIsolator(b, i);
      }
    }
    return null;
  }

  private String refusal(List<Feature> uncovered, List<String> backendIds) {
    StringBuilder sb = new StringBuilder("refusing to run: ");
    sb.append(
        backendIds.isEmpty()
            ? "no available backend enforces"
            : "the chosen backends " + backendIds + " do not enforce");
    sb.append(uncovered.size() == 1 ? " this restriction" : " these restrictions")
        .append(" the policy requires:");
    for (Feature f : uncovered) {
      sb.append("\n  - ").append(f.description()).append(" (").append(f).append("): ");
      List<String> could = new ArrayList<>();
      for (SandboxBackend b : registry.backends()) {
        for (Isolator i : b.isolators()) {
          if (i.features().contains(f)) {
            Availability a = i.probe();
            could.add(
                b.id() + (a.available() ? " (available)" : " (unavailable: " + a.detail() + ")"));
            break;
          }
        }
      }
      sb.append(
          could.isEmpty()
              ? "no installed backend enforces it"
              : "could be enforced by " + String.join("; ", could));
    }
    sb.append(
        "\nChoose backends that cover it with --backend, or relax the policy; nothing was run.");
    return sb.toString();
  }
}
