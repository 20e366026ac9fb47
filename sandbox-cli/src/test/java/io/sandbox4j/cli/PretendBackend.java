package io.sandbox4j.cli;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A test double that claims every feature but the engine's own and enforces nothing: only for
 * exercising the CLI's plumbing. Its one isolator does {@code contribution} to each launch.
 */
final class PretendBackend extends AbstractBackend {
  PretendBackend() {
    this(
        "pretend",
        "test double claiming everything",
        "everything",
        Aspect.FILESYSTEM,
        (p, s) -> {});
  }

  PretendBackend(
      String id,
      String description,
      String isolatorId,
      Aspect aspect,
      BiConsumer<SandboxPolicy, LaunchSpec> contribution) {
    super(id, description, 100, List.of(new PretendIsolator(isolatorId, aspect, contribution)));
  }

  private static final class PretendIsolator extends AbstractIsolator {
    private final BiConsumer<SandboxPolicy, LaunchSpec> contribution;

    PretendIsolator(String id, Aspect aspect, BiConsumer<SandboxPolicy, LaunchSpec> contribution) {
      super(id, aspect, allButTheEngines());
      this.contribution = contribution;
    }

    private static Set<Feature> allButTheEngines() {
      EnumSet<Feature> all = EnumSet.allOf(Feature.class);
      all.remove(Feature.PROC_ENV_SCRUB);
      all.remove(Feature.RES_TIMEOUT);
      return all;
    }

    @Override
    public Availability probe() {
      return Availability.available("pretends");
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      contribution.accept(policy, spec);
    }
  }
}
