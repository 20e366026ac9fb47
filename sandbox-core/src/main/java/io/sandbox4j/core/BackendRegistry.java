package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/** Every installed backend and launcher, by id. Rejects duplicate and malformed ids. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class BackendRegistry {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  private final Map<String, SandboxBackend> backends;
  private final List<String> order;
  private final List<Launcher> launchers;

  private final List<WorkspaceCleanup> cleanups;

  BackendRegistry(
      List<SandboxBackend> backends, List<Launcher> launchers, List<WorkspaceCleanup> cleanups) {
    this.cleanups = List.copyOf(cleanups);
    List<SandboxBackend> sorted = new ArrayList<>(backends);
    sorted.sort(
        Comparator.comparingInt(SandboxBackend::priority).thenComparing(SandboxBackend::id));
    Map<String, SandboxBackend> byId = new LinkedHashMap<>();
    for (SandboxBackend b : sorted) {
      String id = b.id();
      if (id == null || !ID.matcher(id).matches()) {
        throw SandboxException.cannotSandbox(
            "backend "
                + b.getClass().getName()
                + " has id '"
                + id
                + "': ids are 1-40 lower-case letters, digits and dashes, starting with a letter");
      }
      if (id.equals(CoreBackend.ID) && !(b instanceof CoreBackend)) {
        throw SandboxException.cannotSandbox(
            "backend " + b.getClass().getName() + " uses the reserved id '" + CoreBackend.ID + "'");
      }
      SandboxBackend previous = byId.putIfAbsent(id, b);
      if (previous != null) {
        throw SandboxException.cannotSandbox(
            "two backends share the id '"
                + id
                + "': "
                + previous.getClass().getName()
                + " and "
                + b.getClass().getName()
                + "; remove one of the jars from the class path");
      }
      if (b.isolators().isEmpty()) {
        throw SandboxException.cannotSandbox("backend '" + id + "' contributes no isolator");
      }
      List<String> seen = new ArrayList<>();
      for (Isolator i : b.isolators()) {
        if (seen.contains(i.id())) {
          throw SandboxException.cannotSandbox(
              "backend '" + id + "' has two isolators with the id '" + i.id() + "'");
        }
        seen.add(i.id());
      }
    }
    this.backends = Map.copyOf(byId);
    this.order = List.copyOf(byId.keySet());
    List<Launcher> ls = new ArrayList<>(launchers);
    ls.sort(Comparator.comparing(Launcher::id));
    for (int i = 1; i < ls.size(); i++) {
      if (ls.get(i).id().equals(ls.get(i - 1).id())) {
        throw SandboxException.cannotSandbox(
            "two launchers share the id '"
                + ls.get(i).id()
                + "': "
                + ls.get(i - 1).getClass().getName()
                + " and "
                + ls.get(i).getClass().getName()
                + "; a launcher several backends use must come from BackendContext.shared");
      }
    }
    this.launchers = List.copyOf(ls);
  }

  /** All backends in selection order (priority, then id). */
  public List<SandboxBackend> backends() {
    List<SandboxBackend> out = new ArrayList<>();
    for (String id : order) {
      out.add(backends.get(id));
    }
    return out;
  }

  /** The backend with this id; an unknown id fails (exit 2) listing the known ids. */
  public SandboxBackend backend(String id) {
    SandboxBackend b = backends.get(id);
    if (b == null) {
      throw SandboxException.invalid(
          "unknown backend '" + id + "'; known backends: " + String.join(", ", order));
    }
    return b;
  }

  public List<Launcher> launchers() {
    return launchers;
  }

  /** What reverts backends' per-workspace state. */
  public List<WorkspaceCleanup> workspaceCleanups() {
    return cleanups;
  }
}
