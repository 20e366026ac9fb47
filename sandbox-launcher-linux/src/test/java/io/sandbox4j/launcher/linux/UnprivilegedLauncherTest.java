package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Rlimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The launcher as an ordinary user (uid 65534, switched to with setpriv when the tests run as
 * root): unprivileged user namespaces, the per-user-namespace RLIMIT_NPROC process limit, mounts
 * and capability dropping without any host privilege.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class UnprivilegedLauncherTest {
  private static Path dir;
  private static Path launcher;

  @BeforeAll
  static void asNobody() throws Exception {
    Assumptions.assumeTrue(Runs.available(), () -> Runs.LAUNCHER.probe().detail());
    String status = Files.readString(Path.of("/proc/self/status"));
    Assumptions.assumeTrue(
        status.contains("\nUid:\t0\t"), "switching to an unprivileged uid needs root here");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv missing");
    dir =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "s4j-nobody",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    launcher = dir.resolve("sandbox4j-launcher");
    Files.copy(new LauncherBinary().require(), launcher, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("r-xr-xr-x"));
    Runs.Result probe = run(null, "--probe");
    Assumptions.assumeTrue(
        probe.stdout().contains("userns=ok"), "unprivileged user namespaces: " + probe.stdout());
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (dir != null) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static Runs.Result run(LinuxLaunchPlan plan, String script) throws Exception {
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                "/usr/bin/setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
                launcher.toString()));
    if (plan == null) {
      argv.add(script);
    } else {
      argv.addAll(List.of("--", "/bin/sh", "-c", script));
    }
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(Runs.ENV);
    if (plan != null) {
      pb.environment().putAll(PlanEncoder.environment(PlanEncoder.encodeBase64(plan, dir)));
    }
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> Runs.readAll(p.getErrorStream()));
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Runs.Result(
        p.exitValue(), out, new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  static LinuxLaunchPlan sandbox() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.IPC);
    plan.addMount(Mount.of(MountKind.PROC, Path.of("/proc")));
    plan.newSession();
    return plan;
  }

  @Test
  void anOrdinaryUserEndsWithoutCapabilitiesAndWithNoNewPrivs() throws Exception {
    Runs.Result r =
        run(sandbox(), "id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
    assertThat(r.err()).isEmpty();
    assertThat(r.stdout())
        .startsWith("65534\n")
        .contains("CapEff:\t0000000000000000")
        .contains("CapBnd:\t0000000000000000")
        .contains("NoNewPrivs:\t1");
  }

  @Test
  void rlimitNprocInTheSandboxesUserNamespaceLimitsItsProcesses() throws Exception {
    LinuxLaunchPlan plan = sandbox();
    // 10 for the command plus the launcher's supervisor and init, as the resources isolator asks
    plan.rlimit(Rlimit.NPROC, 12);
    Runs.Result r =
        run(plan, "i=0; while [ $i -lt 50 ]; do sleep 5 & i=$((i+1)); echo $i > count; done");
    assertThat(r.exit()).isNotZero();
    int started = Integer.parseInt(Files.readString(dir.resolve("count")).strip());
    assertThat(started).isBetween(5, 9);
  }

  @Test
  void readOnlyBindAndPinWorkWithoutHostPrivileges() throws Exception {
    Path ro = Files.createDirectories(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxrwxrwx"));
    LinuxLaunchPlan plan = sandbox();
    plan.addMount(Mount.of(MountKind.PIN, dir));
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, ro));
    Runs.Result r = run(plan, "touch ro/x; echo ro=$?; mv ro ro2; echo mv=$?; touch w; echo w=$?");
    assertThat(r.stdout()).contains("ro=1").contains("mv=1").contains("w=0");
    assertThat(ro.resolve("x")).doesNotExist();
  }

  @Test
  void aWritableBindReopensADirectoryInsideAReadOnlyBind() throws Exception {
    Path d = Files.createDirectories(dir.resolve("rod"));
    Path sub = Files.createDirectories(d.resolve("sub"));
    Path file = Files.writeString(d.resolve("file"), "keep");
    for (Path p : List.of(d, sub, file)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    LinuxLaunchPlan plan = sandbox();
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, d));
    plan.addMount(Mount.of(MountKind.WRITABLE_BIND, sub));
    Runs.Result r =
        run(
            plan,
            "touch rod/x; echo x=$?; chmod 600 rod/file; echo chmod=$?;"
                + " echo y > rod/sub/y; echo y=$?");
    assertThat(r.stdout()).contains("x=1").contains("chmod=1").contains("y=0");
    assertThat(r.err()).contains("Read-only file system");
    assertThat(d.resolve("x")).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rwxrwxrwx");
    assertThat(sub.resolve("y")).hasContent("y");
  }

  @Test
  void aReadOnlyTreeMakesEveryMountReadOnlyAndWritableBindsReopenTheirRoots() throws Exception {
    Path d = Files.createDirectories(dir.resolve("tree"));
    Path sub = Files.createDirectories(d.resolve("sub"));
    Path file = Files.writeString(d.resolve("file"), "keep");
    for (Path p : List.of(d, sub, file)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    LinuxLaunchPlan plan = sandbox();
    plan.addMount(Mount.of(MountKind.READ_ONLY_TREE, Path.of("/")));
    plan.addMount(Mount.of(MountKind.WRITABLE_BIND, sub));
    Runs.Result r =
        run(
            plan,
            "touch tree/x; echo x=$?; chmod 600 tree/file; echo chmod=$?;"
                + " echo y > tree/sub/y; echo y=$?; echo n > /dev/null; echo null=$?");
    assertThat(r.stdout()).contains("x=1", "chmod=1", "y=0", "null=0");
    assertThat(d.resolve("x")).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rwxrwxrwx");
    assertThat(sub.resolve("y")).hasContent("y");
  }

  @Test
  void orphansDieWithThePidNamespace() throws Exception {
    Runs.Result r = run(sandbox(), "setsid sh -c 'sleep 300 & echo $$' </dev/null");
    assertThat(r.exit()).isZero();
    Thread.sleep(100);
    assertThat(
            ProcessHandle.allProcesses()
                .filter(h -> h.info().user().orElse("").equals("nobody"))
                .filter(h -> h.info().command().orElse("").endsWith("sleep"))
                .count())
        .isZero();
  }
}
