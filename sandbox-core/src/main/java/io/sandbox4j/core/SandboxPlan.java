package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The outcome of selection: which isolators run for a policy, and the one that enforces each
 * required feature. A plan exists only when every required feature is covered, and each is owned by
 * exactly one isolator.
 *
 * @param policy the policy
 * @param isolators the selected isolators, in the order they contribute (backend priority)
 * @param coverage for every required feature, the isolator that owns it
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SandboxPlan(
    SandboxPolicy policy,
    List<SelectedIsolator> isolators,
    Map<Feature, SelectedIsolator> coverage) {

  public SandboxPlan {
    isolators = List.copyOf(isolators);
    coverage = Map.copyOf(coverage);
  }
}
