package io.sandbox4j.core;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in backend (reserved id {@code core}): what the engine enforces itself on every
 * platform. The environment is rebuilt from the allow-list before any launcher sees it, and the
 * wall-clock timeout is enforced by the engine calling {@code killTree()}, whose completeness is
 * the separately required {@link Feature#PROC_TREE_KILL}.
 */
final class CoreBackend implements SandboxBackend {
  static final String ID = "core";

  private final List<Isolator> isolators =
      List.of(new EnvironmentIsolator(), new TimeoutIsolator());

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "built in: environment allow-list and wall-clock timeout, on every platform";
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  @Override
  public int priority() {
    return 0;
  }

  static final class EnvironmentIsolator extends AbstractIsolator {
    EnvironmentIsolator() {
      super("environment", Aspect.PROCESS, Set.of(Feature.PROC_ENV_SCRUB));
    }

    @Override
    public Availability probe() {
      return Availability.available("the command's environment is built from the allow-list");
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      Map<String, String> scrubbed = policy.process().environmentFrom(spec.environment());
      spec.environment().clear();
      spec.environment().putAll(scrubbed);
    }
  }

  static final class TimeoutIsolator extends AbstractIsolator {
    TimeoutIsolator() {
      super("timeout", Aspect.RESOURCE, Set.of(Feature.RES_TIMEOUT));
    }

    @Override
    public Availability probe() {
      return Availability.available("the engine kills the whole tree when the timeout expires");
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      // Enforced by SandboxExecution, which arms a timer when the command starts.
    }
  }
}
