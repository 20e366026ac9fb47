package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Rlimit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end: real commands through the real launcher, without namespaces. */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class NativeLauncherTest {
  @TempDir Path dir;

  @BeforeAll
  static void launcherBuilt() {
    Assumptions.assumeTrue(Runs.available(), () -> Runs.LAUNCHER.probe().detail());
  }

  @Test
  void exitCodesPassThrough() throws Exception {
    assertThat(Runs.sh(dir, null, "exit 0").exit()).isZero();
    assertThat(Runs.sh(dir, null, "exit 3").exit()).isEqualTo(3);
    assertThat(Runs.sh(dir, null, "exit 255").exit()).isEqualTo(255);
  }

  @Test
  void deathBySignalIs128PlusN() throws Exception {
    assertThat(Runs.sh(dir, null, "kill -TERM $$").exit()).isEqualTo(128 + 15);
    assertThat(Runs.sh(dir, null, "kill -KILL $$").exit()).isEqualTo(128 + 9);
  }

  @Test
  void commandNotFoundIs127AndNotExecutableIs126() throws Exception {
    Runs.Result missing = Runs.run(dir, null, "no-such-command-sandbox4j");
    assertThat(missing.exit()).isEqualTo(127);
    assertThat(missing.err()).contains("no-such-command-sandbox4j");
    Path file = Files.writeString(dir.resolve("data.txt"), "not a program");
    Runs.Result notExec = Runs.run(dir, null, file.toString());
    assertThat(notExec.exit()).isEqualTo(126);
    assertThat(notExec.err()).contains("Permission denied");
  }

  @Test
  void standardStreamsAreBinarySafe() throws Exception {
    byte[] all = new byte[256 * 64 + 70000];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    new Random(7).nextBytes(java.util.Arrays.copyOfRange(all, 16384, all.length));
    Runs.Result r = Runs.run(Runs.spec(dir, null, "/bin/cat"), all);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(all);
    Runs.Result err = Runs.run(Runs.spec(dir, null, "/bin/sh", "-c", "cat >&2"), all);
    assertThat(err.err().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1).length)
        .isPositive();
  }

  @Test
  void environmentIsExactlyTheSpecsAndWorkingDirectoryIsHonoured() throws Exception {
    Runs.Result r = Runs.run(dir, null, "/usr/bin/env");
    assertThat(r.stdout().strip()).isEqualTo("PATH=" + Runs.ENV.get("PATH"));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertThat(Runs.run(sub, null, "/bin/pwd").stdout().strip()).isEqualTo(sub.toString());
  }

  @Test
  void noCapabilitiesAndNoNewPrivsEvenAsRoot() throws Exception {
    Runs.Result r =
        Runs.sh(
            dir,
            new LinuxLaunchPlan(),
            "grep -E '^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status");
    assertThat(r.stdout())
        .contains("CapEff:\t0000000000000000")
        .contains("CapPrm:\t0000000000000000")
        .contains("CapAmb:\t0000000000000000")
        .contains("NoNewPrivs:\t1");
  }

  @Test
  void newSessionDetachesFromTheCallersSession() throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.newSession();
    // field 6 of /proc/self/stat is the session id; a session leader's sid is its own pid
    Runs.Result r = Runs.sh(dir, plan, "exec cat /proc/self/stat");
    String[] f = r.stdout().substring(r.stdout().lastIndexOf(')') + 2).split(" ");
    String pid = r.stdout().substring(0, r.stdout().indexOf(' '));
    assertThat(f[3]).isEqualTo(pid);
  }

  @Test
  void fileSizeLimitStopsALargeWrite() throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.rlimit(Rlimit.FSIZE, 1 << 20);
    Runs.Result r = Runs.sh(dir, plan, "head -c 3000000 /dev/zero > big");
    assertThat(r.exit()).isNotZero();
    assertThat(Files.size(dir.resolve("big"))).isLessThanOrEqualTo(1 << 20);
  }

  @Test
  void openFilesLimitIsApplied() throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.rlimit(Rlimit.NOFILE, 17);
    assertThat(Runs.sh(dir, plan, "ulimit -n").stdout().strip()).isEqualTo("17");
  }

  @Test
  void setsidDoubleForkedDescendantIsGoneAfterTheRun() throws Exception {
    Runs.Result r =
        Runs.sh(dir, new LinuxLaunchPlan(), "setsid sh -c 'sleep 300 & echo $!' </dev/null");
    assertThat(r.exit()).isZero();
    long pid = Long.parseLong(r.stdout().strip());
    assertThat(Runs.goneWithin(pid, 3000)).as("orphaned sleep %d is gone", pid).isTrue();
  }

  @Test
  void killTreeKillsSetsidDoubleForkedDescendants() throws Exception {
    var p =
        Runs.LAUNCHER.launch(
            Runs.spec(
                dir,
                new LinuxLaunchPlan(),
                "/bin/sh",
                "-c",
                "setsid sh -c 'sleep 300 & echo $!' </dev/null; sleep 300"));
    var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.stdout()));
    long pid = Long.parseLong(reader.readLine().strip());
    assertThat(Runs.alive(pid)).isTrue();
    p.killTree();
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Runs.goneWithin(pid, 3000)).as("double-forked sleep %d is gone", pid).isTrue();
  }

  @Test
  void landlockRulesFromThePlanAreApplied() throws Exception {
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Path rw = Files.createDirectory(dir.resolve("rw"));
    long writeFile = 1L << 1;
    long makeDir = 1L << 7;
    long makeReg = 1L << 8;
    long handled = writeFile | makeDir | makeReg;
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addLandlock(
        new LandlockRules(
            handled,
            0,
            0,
            List.of(
                new LandlockRules.PathRule(rw, handled, false),
                new LandlockRules.PathRule(dir.resolve("missing"), handled, true)),
            List.of()));
    Runs.Result r = Runs.sh(dir, plan, "echo a > rw/f && echo b > ro/f; echo rc=$?");
    assertThat(r.stdout()).startsWith("rc=").doesNotContain("rc=0");
    assertThat(r.err()).contains("Permission denied");
    assertThat(rw.resolve("f")).exists();
    assertThat(ro.resolve("f")).doesNotExist();
  }

  @Test
  void aMissingMandatoryLandlockPathFailsTheRunWith125() throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addLandlock(
        new LandlockRules(
            2,
            0,
            0,
            List.of(new LandlockRules.PathRule(dir.resolve("nope"), 2, false)),
            List.of()));
    Runs.Result r = Runs.run(dir, plan, "/bin/true");
    assertThat(r.exit()).isEqualTo(125);
    assertThat(r.err()).startsWith("sandbox4j-launcher: landlock: ").contains("nope");
  }

  @Test
  void seccompFilterFromThePlanIsApplied() throws Exception {
    Assumptions.assumeTrue(
        System.getProperty("os.arch").equals("amd64"), "the hand-made filter uses x86_64 numbers");
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addSeccompFilter(denyMkdirFilter());
    Runs.Result r = Runs.sh(dir, plan, "mkdir made; echo rc=$?; touch file; echo rc2=$?");
    assertThat(r.stdout()).contains("rc=1").contains("rc2=0");
    assertThat(r.err()).contains("Operation not permitted");
    assertThat(dir.resolve("made")).doesNotExist();
    assertThat(dir.resolve("file")).exists();
  }

  /** mkdir (83) and mkdirat (258) return EPERM on x86_64; everything else is allowed. */
  static byte[] denyMkdirFilter() {
    ByteBuffer b = ByteBuffer.allocate(8 * 7).order(ByteOrder.LITTLE_ENDIAN);
    insn(b, 0x20, 0, 0, 4); // ld arch
    insn(b, 0x15, 1, 0, 0xc000003eL); // jeq x86_64 -> skip the kill
    insn(b, 0x06, 0, 0, 0x80000000L); // ret KILL_PROCESS
    insn(b, 0x20, 0, 0, 0); // ld nr
    insn(b, 0x15, 2, 0, 83); // jeq mkdir
    insn(b, 0x15, 1, 0, 258); // jeq mkdirat
    insn(b, 0x06, 0, 0, 0x7fff0000L); // ret ALLOW
    ByteBuffer out = ByteBuffer.allocate(8 * 8).order(ByteOrder.LITTLE_ENDIAN);
    out.put(b.array());
    insn(out, 0x06, 0, 0, 0x00050000L | 1); // ret ERRNO(EPERM)
    return out.array();
  }

  private static void insn(ByteBuffer b, int code, int jt, int jf, long k) {
    b.putShort((short) code).put((byte) jt).put((byte) jf).putInt((int) k);
  }

  @Test
  void severalRunsInParallel() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Runs.Result>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        int n = i;
        results.add(
            pool.submit(() -> Runs.sh(dir, new LinuxLaunchPlan(), "echo run" + n + "; exit " + n)));
      }
      for (int i = 0; i < 16; i++) {
        Runs.Result r = results.get(i).get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).isEqualTo(i);
        assertThat(r.stdout().strip()).isEqualTo("run" + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
