package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.RES_CPU_TIME;
import static io.sandbox4j.api.Feature.RES_FILE_SIZE;
import static io.sandbox4j.api.Feature.RES_MAX_PROCS;
import static io.sandbox4j.api.Feature.RES_MEMORY;
import static io.sandbox4j.api.Feature.RES_OPEN_FILES;
import static io.sandbox4j.api.Feature.RES_TIMEOUT;
import static io.sandbox4j.testkit.Platform.ANY;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.testkit.HostProcesses.HostProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Resource scenarios: memory, process count, CPU, file size, descriptors, wall clock. */
final class ResourceScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, RES_MEMORY)
        .exclusiveRow(
            "memoryLimitStopsLargeAllocation",
            "under a 256 MiB limit, python fills 16 MiB (must work) and 768 MiB (must not);"
                + " judged by marker files written only after each allocation",
            ResourceScenarios::memoryLimitStopsLargeAllocation)
        .judging(LINUX, RES_MAX_PROCS)
        .exclusiveRow(
            "forkStormIsCapped",
            "under max-procs 16 the command starts 64 waiting children; the host counts" + " them",
            ResourceScenarios::forkStormIsCapped)
        .judging(LINUX, RES_CPU_TIME)
        .exclusiveRow(
            "cpuSpinIsStoppedByCpuLimit",
            "a busy loop under a 1 s CPU-time limit must end long before 10 s",
            ctx -> {
              SandboxPolicy p =
                  limited(
                      ctx,
                      l ->
                          l.withTimeout(Duration.ofSeconds(10)).withCpuTime(Duration.ofSeconds(1)));
              SandboxResult r = ctx.run(p, ctx.sh("while :; do :; done"));
              ctx.check(
                  !r.timedOut() && r.elapsed().compareTo(Duration.ofSeconds(6)) < 0,
                  "a busy loop under a 1 s CPU limit ran for "
                      + r.elapsed().toMillis()
                      + " ms ("
                      + excerpt(r)
                      + ")");
            })
        .judging(LINUX, RES_FILE_SIZE)
        .row(
            "fileSizeLimitCapsWrites",
            "under a 1 MiB file-size limit, 512 KiB (must work) and 4 MiB are written",
            ctx -> {
              SandboxPolicy p = limited(ctx, l -> l.withMaxFileSizeBytes(1 << 20));
              SandboxResult r =
                  ctx.run(
                      p,
                      ctx.sh(
                          "head -c 524288 /dev/zero > small.bin;"
                              + " head -c 4194304 /dev/zero > big.bin"));
              Path small = ctx.workspace().resolve("small.bin");
              Path big = ctx.workspace().resolve("big.bin");
              ctx.check(
                  Files.exists(small) && Files.size(small) == 524288,
                  "a 512 KiB file could not be written under a 1 MiB limit (over-blocked): "
                      + excerpt(r));
              long size = Files.exists(big) ? Files.size(big) : 0;
              ctx.check(
                  size <= (1 << 20), "a " + size + "-byte file was written under a 1 MiB limit");
            })
        .judging(LINUX, RES_OPEN_FILES)
        .row(
            "openFileLimitCapsDescriptors",
            "under a 64 open-file limit, bash opens descriptors 10..300; the host counts" + " them",
            ResourceScenarios::openFileLimitCapsDescriptors)
        .judging(LINUX, RES_TIMEOUT)
        .row(
            "timeoutKillsTheCommand",
            "a 30 s sleep under a 1 s timeout; the host checks that it is gone",
            ctx -> {
              SandboxResult r = endedByTimeout(ctx, 1, ctx.sh("sleep 30; :"), "a 30 s sleep");
              ctx.check(
                  r.elapsed().compareTo(Duration.ofSeconds(5)) < 0,
                  "a 30 s sleep was ended by a 1 s timeout only after "
                      + r.elapsed().toMillis()
                      + " ms");
              ProcessScenarios.noSurvivors(ctx, r);
            })
        .judging(ANY, RES_TIMEOUT)
        .row(
            "probeTimeoutKillsTheCommand",
            "a JVM program sleeping 30 s under a 3 s timeout",
            ctx ->
                ProcessScenarios.noSurvivors(
                    ctx,
                    endedByTimeout(ctx, 3, ctx.probe("sleep", "30", ctx.token()), "a 30 s sleep")));
  }

  private static void memoryLimitStopsLargeAllocation(ScenarioContext ctx) throws Exception {
    String fill =
        "import sys\n"
            + "b=b'\\x01'*(int(sys.argv[1])<<20)\n"
            + "open(sys.argv[2],'w').write(str(len(b)))\n";
    SandboxPolicy p = limited(ctx, l -> l.withMemoryBytes(256L << 20));
    SandboxResult small = ctx.run(p, ctx.python(fill, "16", "small.done"));
    ctx.check(
        Files.exists(ctx.workspace().resolve("small.done")),
        "a 16 MiB allocation failed under a 256 MiB limit (over-blocked): " + excerpt(small));
    SandboxResult big = ctx.run(p, ctx.python(fill, "768", "big.done"));
    ctx.check(
        !Files.exists(ctx.workspace().resolve("big.done")),
        "768 MiB were allocated and touched under a 256 MiB limit (" + excerpt(big) + ")");
  }

  private static void forkStormIsCapped(ScenarioContext ctx) throws Exception {
    SandboxPolicy p = limited(ctx, l -> l.withMaxProcesses(16));
    int max = 0;
    Path bash = ctx.requireTool("bash");
    // Children that do not fork themselves (bash's read builtin waits on a FIFO), so that each one
    // the limit lets start stays visible for two seconds; the loop is bash's, which survives a
    // failed fork (dash exits, and its namespace with it).
    try (SandboxExecution ex =
        ctx.start(
            p,
            ctx.bash(
                "mkfifo hold; for i in $(seq 64); do"
                    + " \"$1\" -c 'exec 3<>hold; read -t 2 -u 3 x; :' \"$0-child\" &"
                    + " done 2>/dev/null; wait",
                bash.toString()))) {
      ex.stdin().close();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ex.isAlive() && System.nanoTime() < end) {
        max = Math.max(max, HostProcesses.withToken(ctx.token() + "-child").size());
        Thread.sleep(50);
      }
    }
    ctx.check(max <= 16, max + " sandboxed processes ran at once under max-procs 16");
    ctx.check(max > 0, "no child process started at all (over-blocked)");
  }

  private static void openFileLimitCapsDescriptors(ScenarioContext ctx) throws Exception {
    SandboxPolicy p = limited(ctx, l -> l.withMaxOpenFiles(64));
    Path ready = ctx.workspace().resolve("ready");
    try (SandboxExecution ex =
        ctx.start(
            p,
            ctx.bash(
                "i=10; while [ $i -le 300 ]; do eval \"exec $i</dev/null\""
                    + " 2>/dev/null || break; i=$((i+1)); done; : > ready;"
                    + " sleep 5; :"))) {
      ex.stdin().close();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!Files.exists(ready) && ex.isAlive() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      ctx.check(Files.exists(ready), "the descriptor loop never finished");
      long fds = -1;
      for (HostProcess hp : HostProcesses.withToken(ctx.token())) {
        if (hp.commandLine().contains(" -c ")) {
          fds = Math.max(fds, hp.openFileDescriptors().orElse(-1));
        }
      }
      ctx.check(fds >= 0, "the sandboxed shell was not found from the host");
      ctx.check(
          fds <= 64, "the sandboxed shell holds " + fds + " open descriptors under a limit of 64");
    }
  }

  /**
   * The default policy with the limits {@code limit} adds to the scenario's default timeout (it may
   * replace that timeout).
   */
  private static SandboxPolicy limited(ScenarioContext ctx, UnaryOperator<ResourceLimits> limit) {
    ResourceLimits limits = ResourceLimits.NONE.withTimeout(ScenarioContext.DEFAULT_TIMEOUT);
    return ctx.policy().resources(limit.apply(limits)).build();
  }

  /**
   * Runs {@code command} under a timeout of {@code seconds}, which must end it with exit 124;
   * {@code what} says what the command is, for the message.
   */
  static SandboxResult endedByTimeout(
      ScenarioContext ctx, int seconds, List<String> command, String what) {
    Duration timeout = Duration.ofSeconds(seconds);
    SandboxResult r = ctx.run(limited(ctx, l -> l.withTimeout(timeout)), command);
    ctx.check(
        r.timedOut() && r.exitCode() == SandboxResult.EXIT_TIMEOUT,
        what
            + " was not ended by its "
            + seconds
            + " s timeout with exit "
            + SandboxResult.EXIT_TIMEOUT
            + ": "
            + excerpt(r));
    return r;
  }
}
