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
    for (List<Scenario> group :
        List.of(
            RefusalScenarios.all(),
            FilesystemScenarios.all(),
            HomeScenarios.all(),
            GitScenarios.all(),
            EphemeralScenarios.all(),
            CacheLayerScenarios.all(),
            NetworkScenarios.all(),
            AllowListScenarios.all(),
            PublishScenarios.all(),
            UnixDatagramScenarios.all(),
            LeakScenarios.all(),
            ProcessScenarios.all(),
            ResourceScenarios.all(),
            HostMemoryScenarios.all(),
            EnvironmentScenarios.all(),
            WindowsScenarios.all(),
            FunctionalScenarios.all())) {
      all.addAll(group);
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
