package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxPlan;
import io.sandbox4j.testkit.BackendConformanceTest;
import io.sandbox4j.testkit.BackendUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The whole catalogue, for real, against the automatic combination of every backend the CLI ships
 * (discovered on the class path, nothing waived). Where the installed backends cannot enforce the
 * secure default policy, the scenarios are reported skipped with the engine's reason, naming the
 * uncovered features, and {@link #defaultPolicyIsEnforcedByTheInstalledBackends} is skipped with
 * the same reason: never a silent pass.
 */
class AutomaticConformanceTest extends BackendConformanceTest {

  @Override
  protected BackendUnderTest backend() {
    return BackendUnderTest.automatic();
  }

  @Test
  void defaultPolicyIsEnforcedByTheInstalledBackends() throws Exception {
    Path workspace = Files.createTempDirectory("sbx4j-automatic");
    try {
      SandboxPolicy policy = SandboxPolicy.defaults(workspace);
      SandboxPlan plan;
      try {
        plan = Sandbox.create().plan(policy, List.of());
      } catch (SandboxException e) {
        Assumptions.abort(
            "the installed backends cannot enforce the default policy here, so the automatic"
                + " combination was not judged: "
                + e.getMessage().replace('\n', ' '));
        return;
      }
      for (Feature f : policy.requiredFeatures()) {
        assertThat(plan.coverage()).as("coverage of " + f).containsKey(f);
      }
    } finally {
      Files.deleteIfExists(workspace);
    }
  }
}
