package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.PlanEncoder.Out;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The C plan decoder against malformed plans: a table of known-bad plans and a bounded fuzz. */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "builds Linux launch plans from Linux absolute paths (/usr, /proc), which have no drive on Windows")
class PlanDecoderTest {
  private static Path launcher;

  @BeforeAll
  static void launcherBuilt() {
    LauncherBinary binary = new LauncherBinary();
    Assumptions.assumeTrue(binary.get().path().isPresent(), binary.get().availability().detail());
    launcher = binary.require();
  }

  record Outcome(int exit, String err) {}

  static Outcome check(String base64) throws Exception {
    // split as NativeLauncher does: the kernel rejects one variable above 128 KiB
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--check-plan");
    pb.environment().putAll(PlanEncoder.environment(base64));
    if (base64.isEmpty()) {
      pb.environment().put(PlanEncoder.PLAN_VARIABLE + "0", "");
    }
    Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new Outcome(p.exitValue(), err);
  }

  static Outcome check(byte[] plan) throws Exception {
    return check(Base64.getEncoder().encodeToString(plan));
  }

  static byte[] valid() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.NET);
    plan.newSession();
    plan.loopbackUp();
    plan.addMount(new Mount(MountKind.TMPFS, Path.of("/tmp"), false, List.of(Path.of("/tmp/ws"))));
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, Path.of("/tmp/ws/.git/hooks")));
    plan.rlimit(LinuxLaunchPlan.Rlimit.NOFILE, 64);
    plan.addSeccompFilter(new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f});
    plan.addLandlock(
        new LandlockRules(
            3, 0, 0, List.of(new LandlockRules.PathRule(Path.of("/tmp"), 3, true)), List.of()));
    plan.addRelay(
        new LinuxLaunchPlan.Relay(3128, Path.of("/run/user/1/p/proxy.sock"), Optional.empty()));
    plan.addRelay(
        new LinuxLaunchPlan.Relay(
            5432, Path.of("/run/user/1/p/proxy.sock"), Optional.of("127.0.0.1:5432")));
    plan.pidsCgroup(Path.of("/sys/fs/cgroup/pids"), 17);
    new MemoryCgroup(Path.of("/sys/fs/cgroup/memory/a"), 1, true)
        .limits(256L << 20)
        .forEach((f, v) -> plan.cgroupLimit(Path.of("/sys/fs/cgroup/memory/a"), f, v));
    plan.tmpfsSize(256L << 20);
    plan.addOverlay(
        new LinuxLaunchPlan.Overlay(
            Path.of("/tmp/ws"), Path.of("/c/changes/1/upper"), Path.of("/c/changes/1/work")));
    return PlanEncoder.encode(plan, Path.of("/tmp/ws"));
  }

  private static byte[] header() {
    return new byte[] {'S', '4', 'J', 1};
  }

  private static byte[] plan(Out... records) {
    Out all = new Out().bytes(header());
    for (Out r : records) {
      all.bytes(r.toByteArray());
    }
    return all.toByteArray();
  }

  private static Out cgroup(String parent, String file, String value) {
    return new Out().str16(parent).u8(1).str16(file).str16(value);
  }

  private static Out record(int tag, Out payload) {
    return new Out().record(tag, payload);
  }

  static Stream<Arguments> malformed() {
    byte[] valid = valid();
    return Stream.of(
        Arguments.of("empty", new byte[0], "base64 length 0"),
        Arguments.of("too short", new byte[] {'S', '4'}, "bad magic"),
        Arguments.of("wrong magic", new byte[] {'X', '4', 'J', 1}, "bad magic"),
        Arguments.of("future version", new byte[] {'S', '4', 'J', 9}, "unsupported plan version 9"),
        Arguments.of("truncated", Arrays.copyOf(valid, valid.length - 3), "truncated"),
        Arguments.of("truncated header", Arrays.copyOf(valid, 6), "truncated"),
        Arguments.of(
            "record length beyond the end",
            plan(new Out().u8(1).u32(1000).u32(0)),
            "record header record truncated"),
        Arguments.of("unknown tag", plan(record(99, new Out().u32(0))), "unknown record tag 99"),
        Arguments.of(
            "trailing bytes in a record",
            plan(record(PlanEncoder.T_NAMESPACES, new Out().u32(0).u8(1))),
            "trailing bytes"),
        Arguments.of(
            "unknown namespace flag",
            plan(record(PlanEncoder.T_NAMESPACES, new Out().u32(0x80))),
            "unknown flags"),
        Arguments.of(
            "unknown option",
            plan(record(PlanEncoder.T_OPTIONS, new Out().u32(0x100))),
            "unknown bits"),
        Arguments.of(
            "relative mount path",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x00020000)),
                record(PlanEncoder.T_MOUNT, new Out().u8(3).u8(0).str16("tmp").u16(0))),
            "is not absolute"),
        Arguments.of(
            "overlay without a mount namespace",
            plan(record(PlanEncoder.T_OVERLAY, new Out().str16("/w").str16("/u").str16("/k"))),
            "an overlay needs a mount namespace"),
        Arguments.of(
            "overlay with a relative upper",
            plan(record(PlanEncoder.T_OVERLAY, new Out().str16("/w").str16("u").str16("/k"))),
            "overlay: path 'u' is not absolute"),
        Arguments.of(
            "overlay record truncated",
            plan(record(PlanEncoder.T_OVERLAY, new Out().str16("/w").str16("/u"))),
            "overlay"),
        Arguments.of(
            "mount without a mount namespace",
            plan(record(PlanEncoder.T_MOUNT, new Out().u8(3).u8(0).str16("/tmp").u16(0))),
            "mounts need a mount namespace"),
        Arguments.of(
            "unknown mount kind",
            plan(record(PlanEncoder.T_MOUNT, new Out().u8(42).u8(0).str16("/tmp").u16(0))),
            "unknown kind 42"),
        Arguments.of(
            "mount kind just past the last",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x00020000)),
                record(PlanEncoder.T_MOUNT, new Out().u8(9).u8(0).str16("/tmp").u16(0))),
            "unknown kind 9"),
        Arguments.of(
            "kept paths on a writable bind",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x00020000)),
                record(
                    PlanEncoder.T_MOUNT,
                    new Out().u8(6).u8(0).str16("/tmp").u16(1).str16("/tmp/a"))),
            "only valid for tmpfs"),
        Arguments.of(
            "string length beyond the record",
            plan(record(PlanEncoder.T_MOUNT, new Out().u8(3).u8(0).u16(4000).bytes(new byte[3]))),
            "truncated"),
        Arguments.of(
            "NUL inside a path",
            plan(
                record(
                    PlanEncoder.T_MOUNT,
                    new Out().u8(3).u8(0).u16(4).bytes(new byte[] {'/', 'a', 0, 'b'}).u16(0))),
            "NUL"),
        Arguments.of(
            "seccomp program not a multiple of 8",
            plan(record(PlanEncoder.T_SECCOMP, new Out().bytes(new byte[12]))),
            "not a positive multiple of 8"),
        Arguments.of(
            "oversized seccomp program",
            plan(record(PlanEncoder.T_SECCOMP, new Out().bytes(new byte[8 * 4097]))),
            "up to 4096 instructions"),
        Arguments.of(
            "rlimit resource out of range",
            plan(record(PlanEncoder.T_RLIMIT, new Out().u32(77).u64(1).u64(1))),
            "unknown resource 77"),
        Arguments.of(
            "soft rlimit above hard",
            plan(record(PlanEncoder.T_RLIMIT, new Out().u32(7).u64(9).u64(1))),
            "soft limit above hard"),
        Arguments.of(
            "landlock rule without a ruleset",
            plan(record(PlanEncoder.T_LL_PATH, new Out().u64(1).u8(0).str16("/tmp"))),
            "without a ruleset"),
        Arguments.of(
            "landlock port out of range",
            plan(
                record(PlanEncoder.T_LL_RULESET, new Out().u64(0).u64(1).u64(0)),
                record(PlanEncoder.T_LL_PORT, new Out().u64(70000).u64(1))),
            "out of range"),
        Arguments.of(
            "hostname without uts namespace",
            plan(record(PlanEncoder.T_HOSTNAME, new Out().utf8("box"))),
            "needs a uts namespace"),
        Arguments.of(
            "relay without a network namespace",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("/r/p.sock").u8(0))),
            "network relays need a network namespace"),
        Arguments.of(
            "relay on port 0",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(0).str16("/r/p.sock").u8(0))),
            "network relay: port 0"),
        Arguments.of(
            "relay port given twice",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x40000000)),
                record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("/r/p.sock").u8(0)),
                record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("/r/q.sock").u8(0))),
            "port 80 given twice"),
        Arguments.of(
            "relative relay socket",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("p.sock").u8(0))),
            "is not absolute"),
        Arguments.of(
            "relay socket that is a directory",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("/r/").u8(0))),
            "socket name '' is empty or too long"),
        Arguments.of(
            "unknown relay mode",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("/r/p.sock").u8(3))),
            "unknown mode 3"),
        Arguments.of(
            "published port with a socket",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("/r/p.sock").u8(2))),
            "mode 2 (publish) takes no socket"),
        Arguments.of(
            "relay without a socket",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(80).u16(0).u8(0))),
            "mode 0 needs a socket"),
        Arguments.of(
            "published port without a network namespace",
            plan(record(PlanEncoder.T_NET_RELAY, new Out().u16(80).u16(0).u8(2))),
            "network relays need a network namespace"),
        Arguments.of(
            "published port that a relay also uses",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x40000000)),
                record(PlanEncoder.T_NET_RELAY, new Out().u16(80).str16("/r/p.sock").u8(0)),
                record(PlanEncoder.T_NET_RELAY, new Out().u16(80).u16(0).u8(2))),
            "port 80 given twice"),
        Arguments.of(
            "relay target that would inject a header",
            plan(
                record(
                    PlanEncoder.T_NET_RELAY,
                    new Out().u16(80).str16("/r/p.sock").u8(1).str16("a:1\r\nX: y"))),
            "is not host:port"),
        Arguments.of(
            "more than sixteen relays",
            plan(
                IntStream.rangeClosed(1, 17)
                    .mapToObj(
                        i ->
                            record(
                                PlanEncoder.T_NET_RELAY, new Out().u16(i).str16("/r/p.sock").u8(0)))
                    .toArray(Out[]::new)),
            "more than 16 network relays"),
        Arguments.of(
            "the retired pids-only cgroup record",
            plan(record(11, new Out().u32(5).utf8("/sys/fs/cgroup/pids"))),
            "unknown record tag 11"),
        Arguments.of(
            "cgroup file that is no limit",
            plan(record(PlanEncoder.T_CGROUP, cgroup("/cg", "cgroup.procs", "1"))),
            "is not a pids.* or memory.* limit"),
        Arguments.of(
            "cgroup file with a path in it",
            plan(record(PlanEncoder.T_CGROUP, cgroup("/cg", "memory./../x", "1"))),
            "bad file name"),
        Arguments.of(
            "cgroup file going up",
            plan(record(PlanEncoder.T_CGROUP, cgroup("/cg", "memory..x", "1"))),
            "bad file name"),
        Arguments.of(
            "cgroup value that is no number",
            plan(record(PlanEncoder.T_CGROUP, cgroup("/cg", "memory.max", "12\n0"))),
            "not a number or max"),
        Arguments.of(
            "cgroup parent not absolute",
            plan(record(PlanEncoder.T_CGROUP, cgroup("cg", "pids.max", "1"))),
            "not absolute"),
        Arguments.of(
            "cgroup without limits",
            plan(record(PlanEncoder.T_CGROUP, new Out().str16("/cg").u8(0))),
            "0 limit files"),
        Arguments.of(
            "cgroup parent twice",
            plan(
                record(PlanEncoder.T_CGROUP, cgroup("/cg", "pids.max", "1")),
                record(PlanEncoder.T_CGROUP, cgroup("/cg", "memory.max", "1"))),
            "given twice"),
        Arguments.of(
            "tmpfs size with a bad suffix",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x00020000)),
                record(PlanEncoder.T_TMPFS_SIZE, new Out().utf8("12x"))),
            "tmpfs size: '12x'"),
        Arguments.of(
            "tmpfs size with an option smuggled in",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x00020000)),
                record(PlanEncoder.T_TMPFS_SIZE, new Out().utf8("1m,mode=777"))),
            "tmpfs size"),
        Arguments.of(
            "tmpfs inodes 0",
            plan(
                record(PlanEncoder.T_NAMESPACES, new Out().u32(0x00020000)),
                record(PlanEncoder.T_TMPFS_INODES, new Out().u64(0))),
            "tmpfs inodes: 0 out of range"),
        Arguments.of(
            "tmpfs inodes without a mount namespace",
            plan(record(PlanEncoder.T_TMPFS_INODES, new Out().u64(5))),
            "needs a mount namespace"),
        Arguments.of(
            "tmpfs size without a mount namespace",
            plan(record(PlanEncoder.T_TMPFS_SIZE, new Out().utf8("25%"))),
            "needs a mount namespace"),
        Arguments.of("oversized plan", new byte[PlanEncoder.MAX_PLAN_BYTES + 3], "exceeds"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedPlansAreRejectedWith125AndTheProblemNamed(String name, byte[] plan, String message)
      throws Exception {
    Outcome o = check(plan);
    assertThat(o.exit()).isEqualTo(125);
    assertThat(o.err()).startsWith("sandbox4j-launcher: plan: ").contains(message);
  }

  @Test
  void badBase64IsRejected() throws Exception {
    assertThat(check("S4J!").err()).contains("invalid base64 character");
    assertThat(check("abc").err()).contains("not a positive multiple of 4");
    assertThat(check("").exit()).isEqualTo(125);
    assertThat(check("U=Rq").err()).contains("invalid base64");
  }

  @Test
  void aPlanLargerThanOneArgumentTravelsInChunks() throws Exception {
    Out ruleset = new Out().u64(1).u64(0).u64(0);
    List<Out> records = new ArrayList<>();
    records.add(record(PlanEncoder.T_LL_RULESET, ruleset));
    for (int i = 0; i < 3000; i++) {
      records.add(
          record(
              PlanEncoder.T_LL_PATH,
              new Out().u64(1).u8(1).str16("/nonexistent/a-rather-long-directory-name-" + i)));
    }
    byte[] big = plan(records.toArray(new Out[0]));
    String base64 = Base64.getEncoder().encodeToString(big);
    assertThat(base64.length()).isGreaterThan(2 * PlanEncoder.CHUNK_CHARS);
    Outcome o = check(base64);
    assertThat(o.err()).isEmpty();
    assertThat(o.exit()).isZero();
    // a chunk that is not whole base64 quanta is refused, not silently joined
    String small = Base64.getEncoder().encodeToString(valid());
    Outcome torn = checkArgs(small.substring(0, 6), small.substring(6));
    assertThat(torn.exit()).isEqualTo(125);
    assertThat(torn.err()).contains("chunk 1");
  }

  static Outcome checkArgs(String... chunks) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--check-plan");
    for (int i = 0; i < chunks.length; i++) {
      pb.environment().put(PlanEncoder.PLAN_VARIABLE + i, chunks[i]);
    }
    Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new Outcome(p.exitValue(), err);
  }

  @Test
  void asManyOverlaysAsTheJavaSideAllowsDecode() throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT);
    for (int i = 0; i < LinuxLaunchPlan.MAX_OVERLAYS; i++) {
      plan.addOverlay(
          new LinuxLaunchPlan.Overlay(
              Path.of("/c" + i), Path.of("/l/" + i + "/upper"), Path.of("/l/" + i + "/work")));
    }
    Outcome o = check(PlanEncoder.encode(plan, Path.of("/tmp")));
    assertThat(o.err()).isEmpty();
    assertThat(o.exit()).isZero();
    assertThatThrownBy(
            () ->
                plan.addOverlay(
                    new LinuxLaunchPlan.Overlay(Path.of("/x"), Path.of("/l/u"), Path.of("/l/w"))))
        .hasMessageContaining("more than " + LinuxLaunchPlan.MAX_OVERLAYS + " overlays");
  }

  @Test
  void asManyKeptPathsAsTheJavaSideAllowsDecode() throws Exception {
    // a private /tmp keeps every writable root beneath it: the scaling benchmark's 1000-path
    // policy keeps 245 there, which the launcher once refused (it allowed 64, counted in a byte)
    List<Path> keep = new ArrayList<>();
    for (int i = 0; i < PlanEncoder.MAX_KEEP; i++) {
      keep.add(Path.of("/tmp/root-" + i));
    }
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT);
    plan.addMount(new Mount(MountKind.TMPFS, Path.of("/tmp"), false, keep));
    Outcome o = check(PlanEncoder.encode(plan, Path.of("/")));
    assertThat(o.err()).isEmpty();
    assertThat(o.exit()).isZero();

    keep.add(Path.of("/tmp/one-more"));
    LinuxLaunchPlan tooMany = new LinuxLaunchPlan();
    tooMany.addNamespaces(Namespace.USER, Namespace.MOUNT);
    tooMany.addMount(new Mount(MountKind.TMPFS, Path.of("/tmp"), false, keep));
    assertThatThrownBy(() -> PlanEncoder.encode(tooMany, Path.of("/")))
        .hasMessageContaining("would keep " + (PlanEncoder.MAX_KEEP + 1) + " paths")
        .hasMessageContaining("limit of " + PlanEncoder.MAX_KEEP);
  }

  @Test
  void theValidPlanDecodes() throws Exception {
    Outcome o = check(valid());
    assertThat(o.err()).isEmpty();
    assertThat(o.exit()).isZero();
  }

  @Test
  void everyMountKindDecodes() throws Exception {
    for (MountKind kind : MountKind.values()) {
      LinuxLaunchPlan plan = new LinuxLaunchPlan();
      plan.addNamespaces(Namespace.MOUNT);
      plan.addMount(Mount.of(kind, Path.of("/tmp/x")));
      Outcome o = check(PlanEncoder.encode(plan, null));
      assertThat(o.err()).as("%s", kind).isEmpty();
      assertThat(o.exit()).as("%s", kind).isZero();
    }
  }

  /**
   * Bounded fuzz with a fixed seed: random byte flips, truncations and insertions of a valid plan
   * must be either accepted or rejected with exit 125, never crash the decoder (a signal).
   */
  @Test
  void mutatedPlansNeverCrashTheDecoder() throws Exception {
    Random random = new Random(20261127L);
    byte[] valid = valid();
    int rejected = 0;
    for (int i = 0; i < 300; i++) {
      byte[] m = valid.clone();
      switch (i % 3) {
        case 0 -> {
          for (int k = 1 + random.nextInt(4); k > 0; k--) {
            m[4 + random.nextInt(m.length - 4)] = (byte) random.nextInt(256);
          }
        }
        case 1 -> m = Arrays.copyOf(m, 4 + random.nextInt(m.length - 4));
        default -> {
          byte[] junk = new byte[1 + random.nextInt(16)];
          random.nextBytes(junk);
          int at = 4 + random.nextInt(m.length - 4);
          byte[] grown = new byte[m.length + junk.length];
          System.arraycopy(m, 0, grown, 0, at);
          System.arraycopy(junk, 0, grown, at, junk.length);
          System.arraycopy(m, at, grown, at + junk.length, m.length - at);
          m = grown;
        }
      }
      Outcome o = check(m);
      assertThat(o.exit()).as("mutation %d: %s", i, o.err()).isIn(0, 125);
      if (o.exit() == 125) {
        rejected++;
        assertThat(o.err()).startsWith("sandbox4j-launcher: plan: ");
      }
    }
    assertThat(rejected).isGreaterThan(200);
  }
}
