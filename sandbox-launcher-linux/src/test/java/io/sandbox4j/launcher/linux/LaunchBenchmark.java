package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Not a test: the in-process cost of starting and waiting for /bin/true, plain ProcessBuilder
 * versus the native launcher without and with namespaces. Prints medians in milliseconds.
 *
 * <pre>
 * ./mvnw -q -pl sandbox-launcher-linux -am test-compile
 * java [-Djdk.lang.Process.launchMechanism=VFORK] -cp sandbox-api/target/classes:\
 *   sandbox-launcher-linux/target/classes:sandbox-launcher-linux/target/test-classes \
 *   io.sandbox4j.launcher.linux.LaunchBenchmark [iterations]
 * </pre>
 */
public final class LaunchBenchmark {
  private LaunchBenchmark() {}

  interface Run {
    void once() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path cwd = Path.of("/tmp");
    NativeLauncher launcher = new NativeLauncher(new LauncherBinary());
    if (!launcher.probe().available()) {
      throw new IllegalStateException(launcher.probe().detail());
    }
    Run plain =
        () -> {
          Process p = new ProcessBuilder("/bin/true").start();
          if (p.waitFor() != 0) {
            throw new IllegalStateException("exit " + p.exitValue());
          }
        };
    Run none = () -> launch(launcher, cwd, LinuxLaunchPlan::new);
    Run full =
        () ->
            launch(
                launcher,
                cwd,
                () -> {
                  LinuxLaunchPlan plan = new LinuxLaunchPlan();
                  plan.addNamespaces(Namespace.values());
                  plan.addMount(Mount.of(MountKind.PROC, Path.of("/proc")));
                  plan.addMount(Mount.of(MountKind.TMPFS, Path.of("/tmp")));
                  plan.loopbackUp();
                  plan.newSession();
                  return plan;
                });
    System.out.printf(
        "launchMechanism=%s iterations=%d%n",
        System.getProperty("jdk.lang.Process.launchMechanism", "default (POSIX_SPAWN)"), n);
    for (int round = 0; round < 2; round++) {
      boolean report = round == 1;
      report(report, "ProcessBuilder /bin/true", measure(plain, n));
      report(report, "NativeLauncher, no namespaces", measure(none, n));
      report(report, "NativeLauncher, user+pid+mount+net+ipc+uts", measure(full, n));
    }
  }

  private static void launch(NativeLauncher launcher, Path cwd, Supplier<LinuxLaunchPlan> plan)
      throws Exception {
    LaunchSpec spec =
        new LaunchSpec(SandboxPolicy.defaults(cwd), List.of("/bin/true"), cwd, Runs.ENV);
    spec.extension(LinuxLaunchPlan.class, plan);
    SandboxProcess p = launcher.launch(spec);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("exit " + p.waitFor());
    }
  }

  private static double[] measure(Run run, int n) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      run.once();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static void report(boolean print, String what, double[] sorted) {
    if (print) {
      System.out.printf(
          "%-45s median %.2f ms  p10 %.2f  p90 %.2f%n",
          what,
          sorted[sorted.length / 2],
          sorted[sorted.length / 10],
          sorted[sorted.length * 9 / 10]);
    }
  }
}
