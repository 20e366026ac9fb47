package io.sandbox4j.benchmarks;

import io.sandbox4j.core.git.GitSweep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the post-run git sweep costs every run: a workspace of N files (100 per directory, ten
 * directories per level) holding one repository per 10,000 files, none changed during the run (the
 * common case: the walk and the checks, no rewriting). The page cache is warm, as after a build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GitSweepBenchmark {
  @Param({"10000", "100000"})
  public int files;

  private Path ws;
  private Instant start;

  @Setup
  public void setUp() throws Exception {
    ws = Fixture.newWorkspace();
    for (int i = 0; i < files; i++) {
      Path dir =
          ws.resolve("d" + (i / 10000))
              .resolve("e" + (i / 1000 % 10))
              .resolve("f" + (i / 100 % 10));
      if (i % 100 == 0) {
        Files.createDirectories(dir);
      }
      if (i % 10000 == 0) {
        Path git = Files.createDirectories(dir.resolve("repo/.git"));
        Files.createDirectories(git.resolve("objects"));
        Files.createDirectories(git.resolve("refs/heads"));
        Files.createDirectories(git.resolve("hooks"));
        Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
        Files.writeString(git.resolve("config"), "[core]\n\tbare = false\n\thooksPath = .husky\n");
      }
      Files.writeString(dir.resolve("file" + i), "x");
    }
    Thread.sleep(100);
    start = Instant.now();
  }

  @TearDown
  public void tearDown() throws IOException {
    Fixture.deleteTree(ws);
  }

  @Benchmark
  public int sweep() {
    GitSweep.Outcome o = new GitSweep(List.of(ws), start, Map.of(), ws).run();
    if (o.failed() || !o.notices().isEmpty()) {
      throw new IllegalStateException("the sweep found something in an unchanged tree: " + o);
    }
    return o.notices().size();
  }
}
