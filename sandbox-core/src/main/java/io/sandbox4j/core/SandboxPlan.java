package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.STABLE;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The outcome of selection: which isolators run for a policy, and which one enforces each required
 * feature. A plan exists only when every required feature is covered.
 *
 * @param policy the policy
 * @param isolators the selected isolators, in the order they contribute
 * @param coverage for every required feature, the isolators that enforce it (first = chosen for it)
 */
@API(status = STABLE, since = "0.1")
public record SandboxPlan(
    SandboxPolicy policy,
    List<SelectedIsolator> isolators,
    Map<Feature, List<SelectedIsolator>> coverage) {

  public SandboxPlan {
    isolators = List.copyOf(isolators);
    coverage = Map.copyOf(coverage);
  }
}
