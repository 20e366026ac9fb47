package io.sandbox4j.core;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The message of a refusal (exit 125): a first line that names the uncovered restrictions and the
 * one host fact to fix first, so a user in a container, in WSL2 or on a host that restricts user
 * namespaces reads the missing kernel feature and the setting that enables it before any detail;
 * then one line per restriction with every backend that could enforce it and why it does not here.
 *
 * <p>The cause is the reason shared by most uncovered restrictions (ties: backend priority), among
 * unavailable isolators and isolators that say why they do not declare a feature here ({@link
 * Isolator#whyNotDeclared}). A reason naming this host's operating system as the obstacle
 * ("requires Windows (this host is Linux)") is never the cause: no host setting changes that.
 */
final class Refusal {
  private Refusal() {}

  /** One backend that could enforce a feature: whether it is available and otherwise why not. */
  private record Enforcer(String backend, boolean available, String reason) {
    String describe() {
      return backend + (available ? " (available)" : " (unavailable: " + reason + ")");
    }

    boolean otherOs() {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      // "(this host is Linux)" exactly: "(this host is Windows 8 6.2)" names a fixable version
      return !os.isEmpty() && reason.toLowerCase(Locale.ROOT).contains("(this host is " + os + ")");
    }
  }

  static String message(
      List<SandboxBackend> backends, List<Feature> uncovered, List<String> backendIds) {
    Map<Feature, List<Enforcer>> enforcers = new LinkedHashMap<>();
    for (Feature f : uncovered) {
      enforcers.put(f, enforcers(backends, f));
    }
    String cause = cause(enforcers);
    StringBuilder sb = new StringBuilder("refusing to run: ");
    sb.append(
        backendIds.isEmpty()
            ? "no available backend enforces"
            : "the chosen backends " + backendIds + " do not enforce");
    sb.append(uncovered.size() == 1 ? " this restriction" : " these restrictions")
        .append(" the policy requires: ")
        .append(names(uncovered))
        .append(cause)
        .append("\nIn detail:");
    for (Feature f : uncovered) {
      sb.append("\n  - ").append(f.description()).append(" (").append(f).append("): ");
      List<String> could = enforcers.get(f).stream().map(Enforcer::describe).toList();
      sb.append(
          could.isEmpty()
              ? "no installed backend enforces it"
              : "could be enforced by " + String.join("; ", could));
    }
    boolean anyAvailable =
        enforcers.values().stream().flatMap(List::stream).anyMatch(Enforcer::available);
    sb.append(
        anyAvailable || !cause.startsWith("; they need") && !cause.startsWith("; it needs")
            ? "\nChoose backends that cover it with --backend, or relax the policy; nothing was run."
            : "\nNo installed backend can enforce "
                + (uncovered.size() == 1 ? "it" : "them")
                + " on this host as it is, whichever --backend is chosen: fix what the first line"
                + " names; nothing was run.");
    return sb.toString();
  }

  /**
   * Per backend, the first isolator that declares {@code f}, or else the first that says why it
   * does not declare it here (an unavailable one with its probe's reason).
   */
  private static List<Enforcer> enforcers(List<SandboxBackend> backends, Feature f) {
    List<Enforcer> out = new ArrayList<>();
    for (SandboxBackend b : backends) {
      Enforcer e = null;
      for (Isolator i : b.isolators()) {
        if (i.features().contains(f)) {
          Availability a = i.probe();
          e = new Enforcer(b.id(), a.available(), a.detail());
          break;
        }
      }
      for (Isolator i : b.isolators()) {
        Optional<String> why = e == null ? i.whyNotDeclared(f) : Optional.empty();
        if (why.isPresent()) {
          Availability a = i.probe();
          e = new Enforcer(b.id(), false, a.available() ? why.get() : a.detail());
        }
      }
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /** "; they need what this host lacks (namespaces, landlock): REASON." or just ".". */
  private static String cause(Map<Feature, List<Enforcer>> enforcers) {
    Map<String, Set<Feature>> byReason = new LinkedHashMap<>();
    Map<String, Set<String>> backendsByReason = new LinkedHashMap<>();
    for (Map.Entry<Feature, List<Enforcer>> e : enforcers.entrySet()) {
      for (Enforcer en : e.getValue()) {
        if (!en.available() && !en.otherOs()) {
          byReason.computeIfAbsent(en.reason(), r -> new LinkedHashSet<>()).add(e.getKey());
          backendsByReason
              .computeIfAbsent(en.reason(), r -> new LinkedHashSet<>())
              .add(en.backend());
        }
      }
    }
    String best = null;
    for (String r : byReason.keySet()) {
      if (best == null || byReason.get(r).size() > byReason.get(best).size()) {
        best = r;
      }
    }
    if (best == null) {
      return ".";
    }
    int n = byReason.get(best).size();
    List<String> ids = List.copyOf(backendsByReason.get(best));
    String reason = best.endsWith(".") ? best.substring(0, best.length() - 1) : best;
    return "; "
        + (n == enforcers.size() ? (n == 1 ? "it needs" : "they need") : n + " of them need")
        + " what this host lacks ("
        + (ids.size() == 1
            ? "the " + ids.get(0) + " backend"
            : "backends " + String.join(", ", ids))
        + "): "
        + reason
        + ".";
  }

  private static String names(List<Feature> features) {
    List<String> names = features.stream().map(Feature::description).toList();
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }
}
