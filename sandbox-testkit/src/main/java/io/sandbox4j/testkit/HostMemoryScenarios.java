package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.RES_MAX_PROCS;
import static io.sandbox4j.api.Feature.RES_MEMORY;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxPlan;
import io.sandbox4j.core.SandboxRequest;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.core.SelectedIsolator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox as a whole cannot exhaust the host's memory (issue 10, class 3): tmpfs files and
 * memfds count against {@code --memory}, and the per-run cgroups are gone after the run. Each
 * allocates at most 768 MiB, once, and everything it allocated dies with the run.
 */
final class HostMemoryScenarios implements ScenarioGroup {
  private static final long LIMIT = 256L << 20;
  private static final long BIG = 768L << 20;

  @Override
  public void declare(ScenarioTable table) {
    table.add(
        Scenario.builder("tmpfsFillStopsAtTheMemoryLimit")
            .judges(RES_MEMORY)
            .linux()
            .exclusive()
            .description(
                "under a 256 MiB limit, 16 MiB (must work) then 768 MiB are written to /dev/shm"
                    + " and to /tmp; judged by the size the command reports, and by the host's"
                    + " Shmem after the run")
            .body(HostMemoryScenarios::tmpfsFill),
        Scenario.builder("memfdFillStopsAtTheMemoryLimit")
            .judges(RES_MEMORY)
            .linux()
            .exclusive()
            .description(
                "under a 256 MiB limit, python fills a memfd with 16 MiB (must work) then 768 MiB,"
                    + " which must fail where the sandbox can have a memory cgroup (root, or a"
                    + " delegated one); elsewhere the memory isolator's explanation must say that"
                    + " memfd pages are not bounded")
            .body(HostMemoryScenarios::memfdFill),
        Scenario.builder("perRunCgroupsAreRemovedAfterTheRun")
            .judges(RES_MEMORY, RES_MAX_PROCS)
            .linux()
            .exclusive()
            .description(
                "under --memory and --max-procs the command reports its cgroups; the host sees"
                    + " the per-run ones during the run and none of them after it (an unprivileged"
                    + " run without delegation makes none; a root run must make one)")
            .body(HostMemoryScenarios::cgroupsRemoved));
  }

  private static SandboxPolicy limited(ScenarioContext ctx) {
    return ctx.policy()
        .resources(
            ResourceLimits.NONE
                .withTimeout(ScenarioContext.DEFAULT_TIMEOUT)
                .withMemoryBytes(LIMIT)
                .withMaxProcesses(64))
        .build();
  }

  private static void tmpfsFill(ScenarioContext ctx) throws Exception {
    SandboxPolicy p = limited(ctx);
    // the size reached is written to the workspace after the write ends (ENOSPC or ENOMEM); a
    // writer the cgroup's OOM killer ends writes nothing, and the small fill proves the command
    // runs and reports at all
    String fill =
        "rm -f \"$2/fill\"; head -c \"$1\" /dev/zero > \"$2/fill\"; wc -c < \"$2/fill\" > \"$3\";"
            + " rm -f \"$2/fill\"";
    long shmemBefore = shmemBytes();
    for (String dir : List.of("/dev/shm", "/tmp")) {
      String tag = dir.substring(dir.lastIndexOf('/') + 1);
      Path small = ctx.workspace().resolve(tag + ".small");
      SandboxResult s = ctx.run(p, ctx.sh(fill, Long.toString(16L << 20), dir, small.toString()));
      ctx.check(
          size(small).orElse(-1L) == 16L << 20,
          "16 MiB could not be written to "
              + dir
              + " under a 256 MiB limit (over-blocked): "
              + excerpt(s));
      Path big = ctx.workspace().resolve(tag + ".big");
      SandboxResult b = ctx.run(p, ctx.sh(fill, Long.toString(BIG), dir, big.toString()));
      long written = size(big).orElse(0L);
      ctx.check(
          written < BIG,
          "768 MiB were written to " + dir + " under a 256 MiB memory limit (" + excerpt(b) + ")");
    }
    // the private tmpfs dies with the run: nothing stays pinned in the host's shared memory
    long grown = 0;
    for (int i = 0; i < 20; i++) {
      grown = shmemBytes() - shmemBefore;
      if (grown < (128L << 20)) {
        break;
      }
      Thread.sleep(100);
    }
    ctx.check(
        grown < (128L << 20),
        "the host's Shmem is " + (grown >> 20) + " MiB higher after the runs than before");
  }

  private static void memfdFill(ScenarioContext ctx) throws Exception {
    Path python = ctx.requireTool("python3");
    SandboxPolicy p = limited(ctx);
    String script =
        "import os,sys\n"
            + "fd=os.memfd_create('fill')\n"
            + "b=b'\\x01'*(1<<20)\n"
            + "for i in range(int(sys.argv[1])): os.write(fd,b)\n"
            + "open(sys.argv[2],'w').write(str(os.fstat(fd).st_size))\n"
            + "open(sys.argv[3],'w').write(open('/proc/self/cgroup').read())\n";
    Path small = ctx.workspace().resolve("memfd.small");
    Path cgroups = ctx.workspace().resolve("cgroups");
    SandboxResult s =
        ctx.run(
            p,
            List.of(python.toString(), "-c", script, "16", small.toString(), cgroups.toString()));
    ctx.check(
        ScenarioContext.content(small).orElse("").equals(Long.toString(16L << 20)),
        "a 16 MiB memfd could not be filled under a 256 MiB limit (over-blocked): " + excerpt(s));
    boolean memoryCgroup =
        ScenarioContext.content(cgroups)
            .orElse("")
            .lines()
            .anyMatch(HostMemoryScenarios::perRunMemory);
    if (!memoryCgroup && !(ctx.hostIsRoot() && memoryControllerEnabled())) {
      // No memory cgroup can be had here (not root, no delegated memory controller): nothing
      // bounds memfd pages, and the sandbox must say so rather than let --memory suggest it.
      List<String> said = explanationOfMemory(ctx, p);
      ctx.check(
          said.stream().anyMatch(l -> l.contains("memfd") && l.contains("not bounded")),
          "no memory cgroup bounds memfd pages here, and the isolator owning the memory limit"
              + " does not say so in its explanation: "
              + said);
      return;
    }
    Path big = ctx.workspace().resolve("memfd.big");
    SandboxResult b =
        ctx.run(
            p,
            List.of(
                python.toString(),
                "-c",
                script,
                Long.toString(BIG >> 20),
                big.toString(),
                cgroups.toString()));
    ctx.check(
        !Files.exists(big),
        "a 768 MiB memfd was filled under a 256 MiB memory limit ("
            + ScenarioContext.content(big).orElse("")
            + " bytes; "
            + excerpt(b)
            + ")");
  }

  private static void cgroupsRemoved(ScenarioContext ctx) throws Exception {
    SandboxPolicy p = limited(ctx);
    Path report = ctx.workspace().resolve("cgroups");
    List<Path> during = new ArrayList<>();
    try (SandboxExecution ex =
        ctx.start(
            p,
            ctx.sh(
                "cat /proc/self/cgroup > \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; read x",
                report.toString()))) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(report) && ex.isAlive() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      List<String> lines = ScenarioContext.content(report).orElse("").lines().toList();
      ctx.check(!lines.isEmpty(), "the command did not report its cgroups");
      List<String> perRun = lines.stream().filter(l -> l.contains("/sandbox4j-")).toList();
      if (perRun.isEmpty()) {
        // Nothing that could leak: an unprivileged caller without delegation limits processes
        // by RLIMIT_NPROC in its user namespace. Root has no such way (RLIMIT_NPROC does not
        // hold root), so a root run without a per-run cgroup is not this case.
        ctx.check(
            !ctx.hostIsRoot(), "a root run under --max-procs shows no per-run cgroup: " + lines);
        ex.stdin().close();
        ctx.check(ex.waitFor(Duration.ofSeconds(10)).isPresent(), "the command did not end");
        return;
      }
      for (String line : perRun) {
        for (Path candidate : hostPaths(line)) {
          if (Files.isDirectory(candidate) && !during.contains(candidate)) {
            during.add(candidate);
          }
        }
      }
      ctx.check(
          !during.isEmpty(),
          "the command is in per-run cgroups " + perRun + " that the host cannot find");
      ex.stdin().close();
      Optional<SandboxResult> r = ex.waitFor(Duration.ofSeconds(10));
      ctx.check(r.isPresent(), "the command did not end when its input closed");
    }
    List<Path> left = during.stream().filter(Files::exists).toList();
    ctx.check(left.isEmpty(), "per-run cgroups are left after the run: " + left);
  }

  /** What the isolator that owns the memory limit of {@code policy} says it bounds. */
  private static List<String> explanationOfMemory(ScenarioContext ctx, SandboxPolicy policy) {
    SandboxRequest r = ctx.request(policy, List.of("true"));
    SandboxPlan plan = ctx.sandbox().plan(policy, r.backends(), r.waived());
    SelectedIsolator owner = plan.coverage().get(RES_MEMORY);
    return owner == null ? List.of() : owner.isolator().explain(policy, owner.owned());
  }

  /**
   * Whether a /proc/self/cgroup line puts the process in a per-run cgroup of the memory hierarchy.
   */
  private static boolean perRunMemory(String line) {
    String[] f = line.split(":", 3);
    return f.length == 3
        && List.of(f[1].split(",")).contains("memory")
        && f[2].contains("/sandbox4j-");
  }

  /** Where a /proc/self/cgroup line's cgroup is on the host: each v1 mount it may be, or v2's. */
  private static List<Path> hostPaths(String line) {
    String[] f = line.split(":", 3);
    if (f.length != 3) {
      return List.of();
    }
    String rel = f[2].replaceFirst("^/", "");
    Path root = Path.of("/sys/fs/cgroup");
    List<Path> out = new ArrayList<>();
    if (f[1].isEmpty()) {
      out.add(root.resolve("unified").resolve(rel));
      out.add(root.resolve(rel));
      return out;
    }
    out.add(root.resolve(f[1].replace("name=", "")).resolve(rel));
    for (String c : f[1].split(",")) {
      out.add(root.resolve(c.replace("name=", "")).resolve(rel));
    }
    return out;
  }

  /** Whether the kernel has the memory controller enabled (/proc/cgroups). */
  private static boolean memoryControllerEnabled() {
    try {
      return Files.readAllLines(Path.of("/proc/cgroups")).stream()
          .map(l -> l.split("\\s+"))
          .anyMatch(f -> f.length >= 4 && f[0].equals("memory") && f[3].equals("1"));
    } catch (IOException e) {
      return false;
    }
  }

  private static long shmemBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("Shmem:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
      }
    }
    throw new IOException("no Shmem line in /proc/meminfo");
  }

  private static Optional<Long> size(Path p) {
    return ScenarioContext.content(p)
        .map(String::strip)
        .filter(s -> s.matches("[0-9]+"))
        .map(Long::parseLong);
  }
}
