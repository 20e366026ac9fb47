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

/**
 * One target's sandbox and what it declares here, shared by the scenarios run against it.
 *
 * @param declared features enforced by the chosen backends' available isolators (the built-in ones
 *     included)
 * @param notes isolators of the chosen backends that are unavailable here, with the reason
 * @param probeCommand the JVM and its options; the class path and probe class follow
 */
record TargetSession(
    BackendUnderTest target,
    Sandbox sandbox,
    Set<Feature> declared,
    List<String> notes,
    List<String> probeCommand) {

  /** Creates the target's sandbox and probes the isolators of the backends it chooses. */
  static TargetSession open(BackendUnderTest target) {
    Sandbox sandbox = target.createSandbox();
    Set<Feature> declared = EnumSet.noneOf(Feature.class);
    List<String> notes = new ArrayList<>();
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
          declared.addAll(i.features());
        } else {
          notes.add(b.id() + "/" + i.id() + " unavailable: " + a.detail());
        }
      }
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return new TargetSession(
        target,
        sandbox,
        Collections.unmodifiableSet(declared),
        List.copyOf(notes),
        List.of(
            java,
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData", // no hsperfdata file in /tmp, which a sandbox may not let it write
            "-Xmx64m"));
  }
}
