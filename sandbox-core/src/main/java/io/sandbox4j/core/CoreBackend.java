package io.sandbox4j.core;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in backend (reserved id {@code core}, priority 0): what the engine enforces itself on
 * every platform. The environment is rebuilt from the allow-list before any launcher sees it, and
 * the wall-clock timeout is enforced by the engine calling {@code killTree()}, whose completeness
 * is the separately required {@link Feature#PROC_TREE_KILL}.
 */
final class CoreBackend extends AbstractBackend {
  static final String ID = "core";

  CoreBackend() {
    super(
        ID,
        "built in: environment allow-list and wall-clock timeout, on every platform",
        0,
        List.of(new EnvironmentIsolator(), new TimeoutIsolator()));
  }

  /** An isolator of one feature that the engine enforces itself: available everywhere. */
  private abstract static class BuiltInIsolator extends AbstractIsolator {
    private final String how;

    BuiltInIsolator(String id, Aspect aspect, Feature feature, String how) {
      super(id, aspect, Set.of(feature));
      this.how = how;
    }

    @Override
    public final Availability probe() {
      return Availability.available(how);
    }
  }

  static final class EnvironmentIsolator extends BuiltInIsolator {
    EnvironmentIsolator() {
      super(
          "environment",
          Aspect.PROCESS,
          Feature.PROC_ENV_SCRUB,
          "the command's environment is built from the allow-list");
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      Map<String, String> scrubbed = policy.process().environmentFrom(spec.environment());
      spec.environment().clear();
      spec.environment().putAll(scrubbed);
    }
  }

  static final class TimeoutIsolator extends BuiltInIsolator {
    TimeoutIsolator() {
      super(
          "timeout",
          Aspect.RESOURCE,
          Feature.RES_TIMEOUT,
          "the engine kills the whole tree when the timeout expires");
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      // Enforced by SandboxExecution, which arms a timer when the command starts.
    }
  }
}
