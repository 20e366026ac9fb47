package io.sandbox4j.benchmarks;

import io.sandbox4j.api.SandboxPolicy;
import java.lang.ProcessBuilder.Redirect;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** How the cost grows with output volume read through a pipe by the caller. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OutputBenchmark extends FixtureBenchmark {
  @Param({"65536", "16777216"})
  public long bytes;

  @Param({"plain", "auto"})
  public String mode;

  private List<String> command;

  @Setup
  public void setUp() throws Exception {
    var ws = Fixture.newWorkspace();
    fixture = new Fixture(mode, SandboxPolicy.builder(ws), ws);
    command = List.of("/usr/bin/head", "-c", Long.toString(bytes), "/dev/zero");
  }

  @Benchmark
  public int readOutput() throws Exception {
    return fixture.run(command, Redirect.PIPE);
  }
}
