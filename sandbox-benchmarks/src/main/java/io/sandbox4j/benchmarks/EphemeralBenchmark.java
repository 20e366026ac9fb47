package io.sandbox4j.benchmarks;

import io.sandbox4j.api.EphemeralWorkspace;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxRequest;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.core.changes.ChangeSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Ephemeral workspaces (issue 14). {@code run}: one sandboxed {@code /bin/true} with the default
 * policy (automatic backends), the workspace direct or as a layer; the layer's run includes
 * creating the change set (directories, record), the overlay mount, the sweep of the layer and
 * discarding the change set afterwards. {@code apply}: writing a change set of 1,000 changed files
 * (10 bytes each, ten directories) into the workspace, checks included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EphemeralBenchmark {
  @Param({"false", "true"})
  public boolean ephemeral;

  private Path ws;
  private Path cache;
  private Sandbox sandbox;
  private SandboxRequest request;

  @Setup
  public void setUp() throws Exception {
    ws = Fixture.newWorkspace();
    cache = Files.createTempDirectory("sandbox4j-bench-cache");
    sandbox = Sandbox.create();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("XDG_CACHE_HOME", cache.toString());
    SandboxPolicy policy =
        SandboxPolicy.builder(ws)
            .ephemeral(ephemeral ? EphemeralWorkspace.FRESH : EphemeralWorkspace.OFF)
            .build();
    request =
        SandboxRequest.of(policy, Fixture.TRUE)
            .withCallerEnvironment(env)
            .withRedirects(Fixture.QUIET);
  }

  @Benchmark
  public int run() throws Exception {
    try (SandboxExecution e = sandbox.start(request)) {
      SandboxResult r = e.waitFor();
      r.changeSet().ifPresent(ChangeSet::discard);
      return r.exitCode();
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    ChangeSets.forUser(Map.of("XDG_CACHE_HOME", cache.toString())).cleanup(ws);
    Files.deleteIfExists(ws);
  }

  /** Applying 1,000 changed files; a fresh workspace and change set for every invocation. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public static class Apply {
    static final int FILES = 1000;
    private ChangeSet changeSet;
    private Path root;

    @Setup(Level.Invocation)
    public void setUp() throws Exception {
      root = Files.createTempDirectory("sandbox4j-bench-apply");
      Path ws = Files.createDirectories(root.resolve("ws"));
      for (int i = 0; i < FILES; i++) {
        Path f = ws.resolve("d" + i % 10).resolve("f" + i);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "old " + i);
      }
      Thread.sleep(120); // older than the run's start, less its clock margin
      changeSet =
          new ChangeSets(root.resolve("cache/sandbox4j/changes")).create(ws, List.of(".sandbox4j"));
      for (int i = 0; i < FILES; i++) {
        Path f = changeSet.upper().resolve("d" + i % 10).resolve("f" + i);
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.format("new %06d", i));
      }
    }

    @Benchmark
    public int apply() {
      return changeSet.apply(false).size();
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws Exception {
      Fixture.deleteTree(root);
    }
  }
}
