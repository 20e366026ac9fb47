package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apiguardian.api.API;

/** The whole scenario catalogue, in report order. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Catalogue {
  private Catalogue() {}

  /**
   * Every scenario: refusal checks, then filesystem, network, process, resource, environment,
   * Windows and functional ones. Test names are unique.
   */
  public static List<Scenario> all() {
    List<Scenario> all = new ArrayList<>();
    for (ScenarioGroup group :
        List.of(
            new RefusalScenarios(),
            new FilesystemScenarios(),
            new HomeScenarios(),
            new GitScenarios(),
            new EphemeralScenarios(),
            new CacheLayerScenarios(),
            new NetworkScenarios(),
            new AllowListScenarios(),
            new PublishScenarios(),
            new UnixDatagramScenarios(),
            new LeakScenarios(),
            new ProcessScenarios(),
            new ResourceScenarios(),
            new HostMemoryScenarios(),
            new EnvironmentScenarios(),
            new WindowsScenarios(),
            new FunctionalScenarios())) {
      ScenarioTable table = new ScenarioTable();
      group.declare(table);
      all.addAll(table.scenarios());
    }
    Set<String> names = new HashSet<>();
    for (Scenario s : all) {
      if (!names.add(s.testName())) {
        throw new IllegalStateException("two scenarios are named " + s.testName());
      }
    }
    return List.copyOf(all);
  }
}
