package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.testkit.fakes.BrokenBackends;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@EnabledOnOs(value = OS.LINUX, disabledReason = "the report is built from Linux scenarios")
class ConformanceReportTest {

  private static ConformanceReport run(List<String> names) {
    return ConformanceRunner.builder()
        .target(BrokenBackends.alone(BrokenBackends.LaxFilesystem.ID))
        .target(BrokenBackends.alone(BrokenBackends.Silent.ID))
        .filter(s -> names.contains(s.testName()))
        .build()
        .run();
  }

  @Test
  void jsonCarriesTheMatrixWithReasons() {
    ConformanceReport report =
        run(
            List.of(
                "required_filesystem_mkdirOutsideIsRefused",
                "required_network_undeclaredNetDenyAllIsRefused",
                "required_filesystem_junctionToOutsideIsRefused"));
    JsonNode root = JsonMapper.builder().build().readTree(report.toJson());
    assertThat(root.get("conforms").asBoolean()).isFalse();
    assertThat(root.get("targets")).hasSize(2);
    assertThat(root.get("targets").get(0).get("label").asString()).isEqualTo("fake-lax-fs");
    assertThat(root.get("targets").get(0).get("declared").toString())
        .contains("FS_WRITE_CONFINEMENT");
    JsonNode mkdir = root.get("scenarios").get(1);
    assertThat(mkdir.get("name").asString()).isEqualTo("required_filesystem_mkdirOutsideIsRefused");
    assertThat(mkdir.get("features").toString()).contains("FS_WRITE_CONFINEMENT");
    JsonNode lax = mkdir.get("results").get("fake-lax-fs");
    assertThat(lax.get("status").asString()).isEqualTo("fail");
    assertThat(lax.get("message").asString()).contains("newdir was created outside the workspace");
    JsonNode silent = mkdir.get("results").get("fake-silent");
    assertThat(silent.get("status").asString()).isEqualTo("skip");
    assertThat(silent.get("applicable").asBoolean()).isFalse();
    JsonNode refusal = root.get("scenarios").get(0).get("results").get("fake-silent");
    assertThat(refusal.get("status").asString()).isEqualTo("pass");
  }

  @Test
  void tableShowsEveryCellAndExplainsFailuresAndSkips() {
    ConformanceReport report =
        run(
            List.of(
                "required_filesystem_mkdirOutsideIsRefused",
                "required_functional_exitCodesPassThrough"));
    String table = report.toTable();
    assertThat(table.lines().findFirst().orElseThrow())
        .contains("scenario")
        .contains("fake-lax-fs")
        .contains("fake-silent");
    assertThat(table)
        .containsPattern("required_filesystem_mkdirOutsideIsRefused\\s+FAIL\\s+SKIP")
        .containsPattern("required_functional_exitCodesPassThrough\\s+PASS\\s+PASS")
        .contains("fake-lax-fs (backends fake-lax-fs): 1 passed, 1 failed, 0 skipped; 1 required")
        .contains(
            "SKIP [fake-silent] required_filesystem_mkdirOutsideIsRefused: fake-silent does not"
                + " declare [FS_WRITE_CONFINEMENT]");
  }
}
