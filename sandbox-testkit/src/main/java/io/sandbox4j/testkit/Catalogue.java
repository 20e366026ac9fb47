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
    all.addAll(RefusalScenarios.all());
    all.addAll(FilesystemScenarios.all());
    all.addAll(GitScenarios.all());
    all.addAll(NetworkScenarios.all());
    all.addAll(AllowListScenarios.all());
    all.addAll(UnixDatagramScenarios.all());
    all.addAll(LeakScenarios.all());
    all.addAll(ProcessScenarios.all());
    all.addAll(ResourceScenarios.all());
    all.addAll(HostMemoryScenarios.all());
    all.addAll(EnvironmentScenarios.all());
    all.addAll(WindowsScenarios.all());
    all.addAll(FunctionalScenarios.all());
    Set<String> names = new HashSet<>();
    for (Scenario s : all) {
      if (!names.add(s.testName())) {
        throw new IllegalStateException("two scenarios are named " + s.testName());
      }
    }
    return List.copyOf(all);
  }
}
