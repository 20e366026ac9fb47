package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The catalogue where agents run: inside a container whose seccomp profile forbids new namespaces
 * (Docker's and Podman's defaults). The harness {@code target/nouserns} (src/test/c/nouserns.c)
 * installs such a filter and runs {@link NoUserNamespacesCatalogue} in a fresh JVM under it.
 *
 * <p>Expected: no scenario fails; every one either passes or is refused by the automatic choice,
 * and a refusal's first sentence names the missing kernel feature (a user namespace), why it is
 * missing here (a seccomp filter) and the host setting that brings it back. What is refused is
 * exactly what only a user or mount namespace enforces honestly (README, "In containers, WSL2 and
 * restricted hosts"); the whole-tree kill and no privileges hold without namespaces.
 */
@EnabledOnOs(OS.LINUX)
class NoUserNamespacesConformanceTest {
  /** Restrictions that need a namespace; anything else refused here would be a regression. */
  private static final Set<Feature> NEED_NAMESPACES =
      EnumSet.of(
          Feature.FS_WRITE_CONFINEMENT,
          Feature.FS_PROTECTED_PATHS,
          Feature.FS_PRIVATE_TMP,
          Feature.NET_ALLOWLIST,
          Feature.RES_MAX_PROCS);

  private static final Pattern FEATURE_BULLET = Pattern.compile("- [^(]*\\(([A-Z_]+)\\):");

  @Test
  void everyScenarioPassesOrIsRefusedNamingTheMissingUserNamespace() throws Exception {
    Path harness = Path.of("target", "nouserns");
    Assumptions.assumeTrue(
        Files.isExecutable(harness),
        "the nouserns harness was not built (profile native needs a C compiler at /usr/bin/cc)");
    Path out = Files.createTempFile("sbx4j-nouserns", ".json");
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  harness.toAbsolutePath().toString(),
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  NoUserNamespacesCatalogue.class.getName())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      if (!p.waitFor(170, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the catalogue under nouserns took longer than 170 s");
      }
      assertThat(p.exitValue()).as("exit of the catalogue under nouserns").isZero();
      JsonNode root = JsonMapper.builder().build().readTree(out.toFile());

      String refusal = root.get("refusal").asText();
      String first = refusal.split("\n", 2)[0];
      assertThat(first)
          .as("the refusal of the default policy starts with one sentence naming the cause")
          .startsWith("refusing to run: ")
          .contains("user namespace failed")
          .contains("a seccomp filter on this process denies unshare")
          .contains("--security-opt seccomp=unconfined")
          .doesNotContain(Feature.PROC_TREE_KILL.description())
          .doesNotContain(Feature.PROC_NO_PRIVILEGES.description())
          .contains("they need what this host lacks (backends landlock, namespaces)");
      assertThat(refusal)
          .as("no --backend choice helps, so the refusal says to fix the host")
          .endsWith("fix what the first line names; nothing was run.");

      int passed = 0;
      List<String> wrong = new ArrayList<>();
      Set<String> refused = new TreeSet<>();
      for (JsonNode s : root.get("report").get("scenarios")) {
        JsonNode r = s.get("results").get("automatic");
        String status = r.get("status").asText();
        String message = r.get("message").asText();
        if (status.equals("pass")) {
          passed++;
        } else if (!r.get("applicable").asBoolean()) {
          continue; // another platform's scenario
        } else if (status.equals("skip") && message.contains("refusing to run: ")) {
          String summary = message.split("In detail:", 2)[0];
          if (!summary.contains("a seccomp filter on this process denies unshare")) {
            wrong.add(s.get("name").asText() + ": refusal without the cause first: " + summary);
          }
          Matcher m = FEATURE_BULLET.matcher(message);
          while (m.find()) {
            Feature f = Feature.valueOf(m.group(1));
            refused.add(f.name());
            if (!NEED_NAMESPACES.contains(f)) {
              wrong.add(s.get("name").asText() + ": refused " + f + ", which needs no namespace");
            }
          }
        } else {
          wrong.add(s.get("name").asText() + ": " + status + ": " + message);
        }
      }
      assertThat(wrong).as("scenarios that neither passed nor were refused precisely").isEmpty();
      assertThat(passed).as("scenarios that passed under nouserns").isPositive();
      assertThat(refused).as("features refused").contains(Feature.FS_WRITE_CONFINEMENT.name());
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
