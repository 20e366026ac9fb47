package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CatalogueTest {
  private final List<Scenario> all = Catalogue.all();

  private long count(Category c, Platform p) {
    return all.stream()
        .filter(
            s ->
                !s.refusal()
                    && s.category() == c
                    && s.platform() != (p == Platform.LINUX ? Platform.WINDOWS : Platform.LINUX))
        .count();
  }

  @Test
  void coversTheMinimumPerCategoryOnLinux() {
    assertThat(count(Category.FILESYSTEM, Platform.LINUX)).isGreaterThanOrEqualTo(15);
    assertThat(count(Category.NETWORK, Platform.LINUX)).isGreaterThanOrEqualTo(8);
    assertThat(count(Category.PROCESS, Platform.LINUX)).isGreaterThanOrEqualTo(8);
    assertThat(count(Category.RESOURCE, Platform.LINUX)).isGreaterThanOrEqualTo(5);
    assertThat(count(Category.ENVIRONMENT, Platform.LINUX)).isGreaterThanOrEqualTo(3);
    assertThat(count(Category.FUNCTIONAL, Platform.LINUX)).isGreaterThanOrEqualTo(8);
  }

  @Test
  void hasWindowsEquivalents() {
    Map<Category, Long> windows =
        all.stream()
            .filter(s -> s.platform() == Platform.WINDOWS)
            .collect(Collectors.groupingBy(Scenario::category, Collectors.counting()));
    assertThat(windows.get(Category.FILESYSTEM)).isGreaterThanOrEqualTo(18);
    assertThat(windows).containsKeys(Category.NETWORK, Category.PROCESS, Category.FUNCTIONAL);
  }

  @Test
  void theWindowsCatalogueHasTheIssue11Scenarios() {
    assertThat(all.stream().filter(s -> s.platform() == Platform.WINDOWS).map(Scenario::testName))
        .contains(
            "required_filesystem_junctionAsWorkingDirectoryIsRefused",
            "required_filesystem_directorySymlinkToDriveRootIsRefused",
            "required_filesystem_rawPhysicalDriveIsNotReadable",
            "required_filesystem_processCreatedThroughWmiDoesNotEscape",
            "required_filesystem_processCreatedThroughTaskSchedulerDoesNotEscape",
            "required_filesystem_nulWorksAndTempIsPrivate",
            "required_filesystem_hardLinkToOutsideFileIsRefused",
            "required_process_hostProcessCannotBeEnded",
            "required_filesystem_existingGitHookIsReadOnly",
            "required_filesystem_swappedGitDirectoryIsRefused",
            "required_filesystem_missingGitHookIsNotCreated",
            "required_network_probeAllowListReachesOnlyListedDestination",
            "required_functional_probeNetworkAllModeReachesLoopback");
  }

  @Test
  void namesCarryLevelAndCategoryAndAreUnique() {
    assertThat(all)
        .allSatisfy(
            s ->
                assertThat(s.testName())
                    .matches(
                        "(required|optional)_(filesystem|network|process|resource|environment|functional)_[a-z][A-Za-z0-9]+"));
    assertThat(all.stream().map(Scenario::testName).distinct().count()).isEqualTo(all.size());
    assertThat(all).allSatisfy(s -> assertThat(s.description()).isNotBlank());
  }

  @Test
  void everyFeatureHasARefusalCheckAndAScenarioJudgingItOnLinux() {
    Set<Feature> refused = EnumSet.noneOf(Feature.class);
    Set<Feature> judged = EnumSet.noneOf(Feature.class);
    for (Scenario s : all) {
      if (s.refusal()) {
        refused.addAll(s.features());
      } else if (s.platform() != Platform.WINDOWS) {
        judged.addAll(s.features());
      }
    }
    assertThat(refused).containsExactlyInAnyOrder(Feature.values());
    assertThat(judged).containsExactlyInAnyOrder(Feature.values());
  }

  @Test
  void functionalScenariosJudgeNoFeature() {
    assertThat(all.stream().filter(s -> s.category() == Category.FUNCTIONAL))
        .allSatisfy(s -> assertThat(s.features()).isEmpty());
  }
}
