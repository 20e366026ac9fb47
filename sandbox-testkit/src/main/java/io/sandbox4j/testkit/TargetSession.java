package io.sandbox4j.testkit;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One target's sandbox and what it declares here, shared by the scenarios run against it. */
final class TargetSession {
  private final BackendUnderTest target;
  private final Sandbox sandbox;
  private final Set<Feature> declared;
  private final List<String> notes;
  private final List<String> probeCommand;

  TargetSession(BackendUnderTest target) {
    this.target = target;
    this.sandbox = target.createSandbox();
    Set<Feature> d = EnumSet.noneOf(Feature.class);
    List<String> n = new ArrayList<>();
    LinkedHashSet<SandboxBackend> chosen = new LinkedHashSet<>();
    if (target.automaticCombination()) {
      chosen.addAll(sandbox.registry().backends());
    } else {
      chosen.add(sandbox.registry().backend("core"));
      for (String id : target.backendIds()) {
        chosen.add(sandbox.registry().backend(id));
      }
    }
    for (SandboxBackend b : chosen) {
      for (Isolator i : b.isolators()) {
        Availability a = i.probe();
        if (a.available()) {
          d.addAll(i.features());
        } else {
          n.add(b.id() + "/" + i.id() + " unavailable: " + a.detail());
        }
      }
    }
    this.declared = Collections.unmodifiableSet(d);
    this.notes = List.copyOf(n);
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    this.probeCommand =
        List.of(
            java,
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData", // no hsperfdata file in /tmp, which a sandbox may not let it write
            "-Xmx64m");
  }

  BackendUnderTest target() {
    return target;
  }

  Sandbox sandbox() {
    return sandbox;
  }

  /** Features enforced by the chosen backends' available isolators (the built-in ones included). */
  Set<Feature> declared() {
    return declared;
  }

  /** Isolators of the chosen backends that are unavailable here, with the reason. */
  List<String> notes() {
    return notes;
  }

  /** The JVM and its options; the class path and probe class follow. */
  List<String> probeCommand() {
    return probeCommand;
  }
}
