package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_CACHE_LAYERS;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copy-on-write toolchain caches (issue 13): what the command writes into a layered cache is seen
 * by the next run with the same layer and never by the host's cache, and the layer itself cannot be
 * reached from inside.
 */
final class CacheLayerScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, FS_CACHE_LAYERS)
        .row(
            "cacheLayerWritesNeverReachTheHostCache",
            "a file planted and a file changed in a layered cache are seen by the next run; the"
                + " host's cache keeps its bytes and gets no new file; the layer is not readable"
                + " inside",
            CacheLayerScenarios::writesNeverReachTheHostCache);
  }

  private static void writesNeverReachTheHostCache(ScenarioContext ctx) throws Exception {
    Path cache = Files.createDirectories(ctx.outside().resolve("host-cache/org/x"));
    Path root = cache.getParent().getParent();
    Files.writeString(cache.resolve("x.pom"), "host\n");
    Path layer = ctx.outside().resolve("layers/x");
    SandboxPolicy policy = ctx.policy().allowWrite(root).cacheLayer(root, layer).build();
    SandboxResult first =
        ctx.run(
            policy,
            ctx.sh(
                "echo planted > \"$1/evil.jar\" && echo changed > \"$1/x.pom\"; ls \"$2\" 2>&1;"
                    + " true",
                cache.toString(),
                layer.toString()));
    ctx.check(first.exitCode() == 0, "the writes into the layered cache failed: " + excerpt(first));
    ctx.check(
        !Files.exists(cache.resolve("evil.jar")),
        "a file the command wrote reached the host's cache: " + cache.resolve("evil.jar"));
    ctx.check(
        Files.readString(cache.resolve("x.pom")).equals("host\n"),
        "the host's cached file changed: " + Files.readString(cache.resolve("x.pom")));
    ctx.check(
        !first.stdoutText().contains("upper"),
        "the command could list the cache's layer " + layer + ": " + excerpt(first));
    SandboxResult second =
        ctx.run(policy, ctx.sh("cat \"$1/evil.jar\" \"$1/x.pom\"", cache.toString()));
    ctx.check(
        second.exitCode() == 0 && second.stdoutText().equals("planted\nchanged\n"),
        "the next run did not see the earlier run's cache writes: " + excerpt(second));
  }
}
