package io.sandbox4j.benchmarks;

import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How the cost grows with the policy: N extra paths, half read-denied directories, half extra
 * writable roots, all existing, beside the workspace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScalingBenchmark extends FixtureBenchmark {
  @Param({"10", "100", "1000"})
  public int paths;

  @Param({"auto"})
  public String mode;

  @Setup
  public void setUp() throws Exception {
    Path root = Fixture.newWorkspace();
    fixture = new Fixture(mode, policy(root, paths), root).checked();
  }

  /**
   * A policy with the workspace {@code root/ws} and {@code paths} extra paths created beneath
   * {@code root}: half read-denied directories, half extra writable roots.
   */
  static SandboxPolicy.Builder policy(Path root, int paths) throws IOException {
    SandboxPolicy.Builder b = SandboxPolicy.builder(Files.createDirectories(root.resolve("ws")));
    for (int i = 0; i < paths; i++) {
      Path p = Files.createDirectories(root.resolve((i % 2 == 0 ? "denied/d" : "roots/r") + i));
      if (i % 2 == 0) {
        b.denyRead(p);
      } else {
        b.allowWrite(p);
      }
    }
    return b;
  }

  @Benchmark
  public int spawnTrue() throws Exception {
    return fixture.run(Fixture.TRUE, Redirect.DISCARD);
  }
}
