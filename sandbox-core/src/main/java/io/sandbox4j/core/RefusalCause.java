package io.sandbox4j.core;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rest of a refusal's first sentence: the uncovered restrictions by name, then the one host
 * fact to fix first, so a user in a container, in WSL2 or on a host that restricts user namespaces
 * reads the missing kernel feature and the setting that enables it before any detail.
 *
 * <p>The cause is the reason of the unavailable backend that would enforce most of the uncovered
 * restrictions (ties: backend priority). A backend whose reason names this host's operating system
 * as the obstacle ("requires Windows (this host is Linux)") is never the cause while another one
 * is: no host setting changes the operating system.
 */
final class RefusalCause {
  private RefusalCause() {}

  /** "a, b and c; the namespaces backend, which enforces 2 of them, is unavailable: REASON." */
  static String summary(List<SandboxBackend> backends, List<Feature> uncovered) {
    StringBuilder sb = new StringBuilder(names(uncovered));
    Map<String, Cause> causes = new LinkedHashMap<>();
    for (SandboxBackend b : backends) {
      for (Feature f : uncovered) {
        for (Isolator i : b.isolators()) {
          if (i.features().contains(f)) {
            Availability a = i.probe();
            if (!a.available()) {
              causes.computeIfAbsent(b.id(), id -> new Cause(id, a.detail())).count++;
            }
            break;
          }
        }
      }
    }
    Cause best = null;
    for (Cause c : causes.values()) {
      if (best == null || c.rank() > best.rank()) {
        best = c;
      }
    }
    if (best != null && !best.otherOs()) {
      sb.append("; the ")
          .append(best.backend)
          .append(" backend, which enforces ")
          .append(best.count == uncovered.size() ? "them" : best.count + " of them")
          .append(", is unavailable: ")
          .append(best.reason);
    }
    return sb.append(sb.charAt(sb.length() - 1) == '.' ? "" : ".").toString();
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

  private static final class Cause {
    final String backend;
    final String reason;
    int count;

    Cause(String backend, String reason) {
      this.backend = backend;
      this.reason = reason;
    }

    boolean otherOs() {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      return !os.isEmpty() && reason.toLowerCase(Locale.ROOT).contains("this host is " + os);
    }

    /** Features it would unlock; one on another operating system never outranks a local one. */
    int rank() {
      return otherOs() ? -1 : count;
    }
  }
}
