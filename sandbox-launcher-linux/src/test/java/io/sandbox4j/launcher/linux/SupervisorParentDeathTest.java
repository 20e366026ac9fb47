package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The process that started the launcher (the JVM, here a shell standing in for it) is SIGKILLed
 * mid-run: its timeout and killTree() die with it, so the supervisor must end the sandbox itself,
 * setsid'd and double-forked descendants included.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class SupervisorParentDeathTest {
  private static Path scratch;

  @AfterAll
  static void cleanUp() throws Exception {
    Runs.deleteTree(scratch);
  }

  @BeforeAll
  static void launcherBuilt() throws IOException {
    Assumptions.assumeTrue(Runs.available(), () -> Runs.LAUNCHER.probe().detail());
    scratch = Runs.scratch("ppid-");
  }

  @ParameterizedTest(name = "pid namespace: {0}")
  @ValueSource(booleans = {false, true})
  void theSandboxEndsWhenItsStarterIsKilled(boolean pidNamespace) throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.newSession();
    if (pidNamespace) {
      plan.addNamespaces(Namespace.USER, Namespace.PID, Namespace.MOUNT);
      plan.addMount(Mount.of(MountKind.PROC, Path.of("/proc")));
    }
    Path ready = scratch.resolve("ready-" + pidNamespace);
    String script = "setsid sh -c 'sleep 353 & echo up > " + ready + "' </dev/null; exec sleep 354";
    List<String> argv =
        new ArrayList<>(
            List.of(
                "/bin/sh",
                "-c",
                "\"$@\" & wait",
                "starter",
                new LauncherBinary().require().toString(),
                "--",
                "/bin/sh",
                "-c",
                script));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(Runs.ENV);
    pb.environment().putAll(PlanEncoder.environment(PlanEncoder.encodeBase64(plan, scratch)));
    Process starter = pb.start();
    List<ProcessHandle> tree = List.of();
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < end && sleeps(tree) < 2) {
        Thread.sleep(20);
        tree = Files.exists(ready) ? starter.descendants().toList() : List.of();
      }
      assertThat(sleeps(tree)).as("both sleeps started under %s", tree).isEqualTo(2);

      starter.destroyForcibly();
      assertThat(starter.waitFor(5, TimeUnit.SECONDS)).isTrue();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline
          && tree.stream().anyMatch(SupervisorParentDeathTest::running)) {
        Thread.sleep(20);
      }
      assertThat(tree.stream().filter(SupervisorParentDeathTest::running).map(ProcessHandle::pid))
          .as("the launcher and every descendant are gone after the starter died")
          .isEmpty();
    } finally {
      starter.destroyForcibly();
      tree.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static long sleeps(List<ProcessHandle> tree) {
    return tree.stream().filter(h -> h.info().command().orElse("").endsWith("/sleep")).count();
  }

  /** Alive and not a zombie (an orphan's zombie waits for whoever reaps for pid 1 here). */
  static boolean running(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }
}
