package io.sandbox4j.testkit;

import io.sandbox4j.api.EphemeralWorkspace;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxPlan;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One refusal check per feature, as Trino's BaseConnectorTest asserts the standard refusal when a
 * connector lacks a capability: when the target does not declare a feature, the engine must refuse
 * (exit 125, naming the feature) a policy that needs it, with every other undeclared feature waived
 * so that this feature alone decides.
 */
final class RefusalScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    for (Feature f : Feature.values()) {
      table.add(
          Scenario.builder("undeclared" + camel(f) + "IsRefused")
              .judges(f)
              .refusal()
              .description(
                  "when the target does not declare '"
                      + f.description()
                      + "', a policy needing it is refused with exit 125")
              .body(ctx -> check(ctx, f)));
    }
  }

  private static void check(ScenarioContext ctx, Feature f) {
    SandboxPolicy policy = policyNeeding(ctx, f);
    Set<Feature> waived = EnumSet.noneOf(Feature.class);
    waived.addAll(policy.requiredFeatures());
    waived.removeAll(ctx.declared());
    waived.remove(f);
    SandboxPlan plan;
    try {
      plan = ctx.sandbox().plan(policy, backendIds(ctx), waived);
    } catch (SandboxException e) {
      ctx.check(
          e.exitCode() == SandboxException.EXIT_CANNOT_SANDBOX,
          "the refusal of "
              + f
              + " had exit code "
              + e.exitCode()
              + ", not 125: "
              + e.getMessage());
      ctx.check(
          e.getMessage().contains(f.name()),
          "the refusal does not name " + f + ": " + e.getMessage().replace('\n', ' '));
      return;
    }
    ctx.fail(
        "the engine accepted a policy needing "
            + f
            + " ("
            + f.description()
            + ") although "
            + ctx.target()
            + " does not declare it; it chose "
            + plan.coverage().get(f));
  }

  private static List<String> backendIds(ScenarioContext ctx) {
    return ctx.request(ctx.policy().build(), List.of("true")).backends();
  }

  /** The default policy plus whatever makes it need {@code f}. */
  static SandboxPolicy policyNeeding(ScenarioContext ctx, Feature f) {
    SandboxPolicy.Builder b = ctx.policy();
    ResourceLimits limits = ResourceLimits.NONE.withTimeout(Duration.ofSeconds(30));
    switch (f) {
      case FS_READ_ALLOWLIST -> b.allowRead(ctx.workspace());
      case FS_READ_DENY -> b.denyRead(ctx.outside());
      case FS_EPHEMERAL -> b.ephemeral(EphemeralWorkspace.FRESH);
      case FS_CACHE_LAYERS ->
          b.allowWrite(ctx.outside()).cacheLayer(ctx.outside(), ctx.home().resolve("cache-layer"));
      case NET_ALLOWLIST ->
          b.network(NetworkPolicy.allow(List.of(new HostPort("127.0.0.1", OptionalInt.of(9)))));
      case NET_PUBLISH -> b.network(NetworkPolicy.NONE.withPublish(List.of(8080)));
      case RES_MEMORY -> limits = limits.withMemoryBytes(256L << 20);
      case RES_CPU_TIME -> limits = limits.withCpuTime(Duration.ofSeconds(10));
      case RES_MAX_PROCS -> limits = limits.withMaxProcesses(64);
      case RES_FILE_SIZE -> limits = limits.withMaxFileSizeBytes(1L << 30);
      case RES_OPEN_FILES -> limits = limits.withMaxOpenFiles(256);
      default -> {
        // Every other feature is part of the secure default policy.
      }
    }
    SandboxPolicy p = b.resources(limits).build();
    if (!p.requiredFeatures().contains(f)) {
      throw new IllegalStateException("no policy built here needs " + f);
    }
    return p;
  }

  static String camel(Feature f) {
    StringBuilder sb = new StringBuilder();
    for (String part : f.name().toLowerCase(Locale.ROOT).split("_")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }
}
