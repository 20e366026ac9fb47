package io.sandbox4j.benchmarks;

import io.sandbox4j.api.SandboxPolicy;
import java.lang.ProcessBuilder.Redirect;
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
 * The cost of one sandboxed {@code /bin/true} (on Windows {@code cmd /c exit 0}) with the default
 * policy, beside a plain ProcessBuilder spawn measured in the same run. Sample mode gives the
 * median and p90. The modes listed here are Linux's; {@link BenchmarkMain} passes {@link
 * Fixture#MODES} for the platform it runs on.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SpawnBenchmark extends FixtureBenchmark {
  @Param({"plain", "landlock", "seccomp", "namespaces", "landlock+seccomp", "auto"})
  public String mode;

  @Setup
  public void setUp() throws Exception {
    var ws = Fixture.newWorkspace();
    fixture = new Fixture(mode, SandboxPolicy.builder(ws), ws).checked();
  }

  @Benchmark
  public int spawnTrue() throws Exception {
    return fixture.run(Fixture.TRUE, Redirect.DISCARD);
  }
}
