package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.testkit.BackendUnderTest;
import io.sandbox4j.testkit.ConformanceRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Run by {@link NoUserNamespacesConformanceTest} under the nouserns harness, in a JVM of its own (a
 * seccomp filter cannot be lifted once installed): prints as JSON the automatic choice's refusal of
 * the default policy (or "" when it runs) and the catalogue judged against the automatic choice.
 */
final class NoUserNamespacesCatalogue {
  private NoUserNamespacesCatalogue() {}

  public static void main(String[] args) throws Exception {
    Path workspace = Files.createTempDirectory("sbx4j-nouserns");
    String refusal = "";
    try {
      Sandbox.create().plan(SandboxPolicy.defaults(workspace), List.of());
    } catch (SandboxException e) {
      refusal = e.getMessage();
    } finally {
      Files.deleteIfExists(workspace);
    }
    String report =
        ConformanceRunner.builder()
            .target(BackendUnderTest.automatic())
            .progress(line -> System.err.println("conformance: " + line))
            .build()
            .run()
            .toJson();
    JsonMapper mapper = JsonMapper.builder().build();
    ObjectNode root = mapper.createObjectNode();
    root.put("refusal", refusal);
    root.set("report", mapper.readTree(report));
    System.out.println(mapper.writeValueAsString(root));
  }
}
