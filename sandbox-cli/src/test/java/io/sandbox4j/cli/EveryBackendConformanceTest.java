package io.sandbox4j.cli;

import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.testkit.BackendConformanceTest;
import io.sandbox4j.testkit.BackendUnderTest;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalogue, for real, against every backend the CLI ships, each alone (for its aspects). A
 * backend unavailable on this platform declares nothing here: only its refusal checks run, which
 * shows that it claims nothing it cannot do. {@link AutomaticConformanceTest} judges them together.
 */
class EveryBackendConformanceTest extends BackendConformanceTest {

  @Override
  protected BackendUnderTest backend() {
    return targets().get(0);
  }

  @Override
  protected List<BackendUnderTest> targets() {
    List<BackendUnderTest> alone = new ArrayList<>();
    for (SandboxBackend b : Sandbox.create().registry().backends()) {
      if (!b.id().equals("core")) {
        alone.add(BackendUnderTest.discovered(b.id()));
      }
    }
    if (alone.isEmpty()) {
      // No backend on the class path yet: the built-in one alone still shows the refusals.
      alone.add(BackendUnderTest.automatic().named("no-backend-installed"));
    }
    return alone;
  }
}
