package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Rlimit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "builds Linux launch plans from Linux absolute paths (/usr, /proc), which have no drive on Windows")
class PlanEncoderTest {

  @Test
  void emptyPlanIsTheHeaderPlusTheWorkingDirectory() {
    byte[] b = PlanEncoder.encode(new LinuxLaunchPlan(), Path.of("/w"));
    assertThat(b).containsExactly('S', '4', 'J', 1, PlanEncoder.T_CHDIR, 2, 0, 0, 0, '/', 'w');
  }

  @Test
  void namespacesAreEncodedAsOneCloneFlagWord() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addNamespaces(Namespace.USER, Namespace.PID);
    plan.addNamespaces(Namespace.PID, Namespace.NET);
    ByteBuffer b = ByteBuffer.wrap(PlanEncoder.encode(plan, null)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.get(4)).isEqualTo((byte) PlanEncoder.T_NAMESPACES);
    assertThat(b.getInt(5)).isEqualTo(4);
    assertThat(b.getInt(9)).isEqualTo(0x10000000 | 0x20000000 | 0x40000000);
  }

  @Test
  void mountsAreOrderedProcTmpfsThenShallowestFirstMasksLastAmongEquals() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, Path.of("/w/.git/hooks")));
    plan.addMount(Mount.of(MountKind.MASK, Path.of("/home/u/.ssh")));
    plan.addMount(Mount.of(MountKind.PIN, Path.of("/w/.git")));
    plan.addMount(Mount.of(MountKind.PIN, Path.of("/w/.git")));
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, Path.of("/home/u/.ssh")));
    plan.addMount(Mount.of(MountKind.PROC, Path.of("/proc")));
    plan.addMount(new Mount(MountKind.TMPFS, Path.of("/tmp"), false, List.of(Path.of("/tmp/w"))));
    assertThat(plan.mounts())
        .extracting(m -> m.kind() + " " + m.path())
        .containsExactly(
            "PROC /proc",
            "TMPFS /tmp",
            "PIN /w/.git",
            "READ_ONLY_BIND /w/.git/hooks",
            "READ_ONLY_BIND /home/u/.ssh",
            "MASK /home/u/.ssh");
  }

  @Test
  void aWritableBindFollowsTheReadOnlyBindOfItsParentAndIsKind6() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addMount(Mount.of(MountKind.WRITABLE_BIND, Path.of("/d/sub")));
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, Path.of("/d")));
    assertThat(plan.mounts())
        .extracting(m -> m.kind() + " " + m.path())
        .containsExactly("READ_ONLY_BIND /d", "WRITABLE_BIND /d/sub");
    LinuxLaunchPlan one = new LinuxLaunchPlan();
    one.addMount(Mount.of(MountKind.WRITABLE_BIND, Path.of("/d")));
    ByteBuffer b = ByteBuffer.wrap(PlanEncoder.encode(one, null)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.get(4)).isEqualTo((byte) PlanEncoder.T_MOUNT);
    assertThat(b.get(9)).isEqualTo((byte) 6);
  }

  @Test
  void theLowerRlimitWinsAndPidsLimitTakesTheMinimum() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.rlimit(Rlimit.AS, 100);
    plan.rlimit(Rlimit.AS, 50);
    plan.rlimit(Rlimit.AS, 70);
    plan.pidsCgroup(Path.of("/sys/fs/cgroup/pids"), 20);
    plan.pidsCgroup(Path.of("/sys/fs/cgroup/pids"), 10);
    assertThat(plan.rlimits()).containsEntry(Rlimit.AS, 50L);
    assertThat(plan.pidsMax()).hasValue(10);
    ByteBuffer b = ByteBuffer.wrap(PlanEncoder.encode(plan, null)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.get(4)).isEqualTo((byte) PlanEncoder.T_RLIMIT);
    assertThat(b.getInt(9)).isEqualTo(9);
    assertThat(b.getLong(13)).isEqualTo(50);
    assertThat(b.getLong(21)).isEqualTo(50);
  }

  @Test
  void invalidPlansAreRefusedInJava() {
    assertThatThrownBy(() -> Mount.of(MountKind.MASK, Path.of("rel")))
        .hasMessageContaining("not absolute");
    assertThatThrownBy(
            () -> new Mount(MountKind.MASK, Path.of("/a"), false, List.of(Path.of("/a/b"))))
        .hasMessageContaining("only a tmpfs");
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.hostname("a\0b");
    assertThatThrownBy(() -> PlanEncoder.encode(plan, null)).hasMessageContaining("without NUL");
    assertThatThrownBy(() -> new LinuxLaunchPlan().addSeccompFilter(new byte[7]))
        .hasMessageContaining("multiple of 8");
  }

  @Test
  void aLargePlanIsCutIntoWholeBase64ChunksInTheEnvironmentNotInArgv() {
    String plan = "QUJD".repeat(PlanEncoder.CHUNK_CHARS / 4 * 2 + 3);
    assertThat(PlanEncoder.argv(Path.of("/l"), List.of("ls", "-l")))
        .containsExactly("/l", "--", "ls", "-l");
    Map<String, String> env = PlanEncoder.environment(plan);
    assertThat(env.keySet())
        .containsExactly("SANDBOX4J_PLAN_0", "SANDBOX4J_PLAN_1", "SANDBOX4J_PLAN_2");
    List<String> chunks = List.copyOf(env.values());
    assertThat(chunks).allSatisfy(c -> assertThat(c.length() % 4).isZero());
    assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(65536));
    assertThat(String.join("", chunks)).isEqualTo(plan);
  }

  @Test
  void anIdenticalMountIsPlannedOnce() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT);
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, Path.of("/w/.git/hooks")));
    plan.addMount(Mount.of(MountKind.PIN, Path.of("/w")));
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, Path.of("/w/.git/hooks")));
    assertThat(plan.mounts())
        .containsExactly(
            Mount.of(MountKind.PIN, Path.of("/w")),
            Mount.of(MountKind.READ_ONLY_BIND, Path.of("/w/.git/hooks")));
  }

  @Test
  void cgroupsAreOnePerParentWithTheirLimitsInOrder() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    Path mem = Path.of("/sys/fs/cgroup/memory/jvm");
    new MemoryCgroup(mem, 1, true)
        .limits(256L << 20)
        .forEach((f, v) -> plan.cgroupLimit(mem, f, v));
    plan.pidsCgroup(Path.of("/sys/fs/cgroup/pids"), 17);
    plan.cgroupLimit(mem, "memory.limit_in_bytes", 300L << 20); // higher: ignored
    assertThat(plan.cgroups())
        .containsOnlyKeys(mem, Path.of("/sys/fs/cgroup/pids"))
        .containsEntry(Path.of("/sys/fs/cgroup/pids"), Map.of("pids.max", 17L));
    assertThat(plan.cgroups().get(mem))
        .containsExactly(
            Map.entry("memory.limit_in_bytes", 256L << 20),
            Map.entry("memory.memsw.limit_in_bytes", 256L << 20));
    assertThatThrownBy(() -> plan.cgroupLimit(mem, "cgroup.procs", 1))
        .hasMessageContaining("not a pids.* or memory.* limit");
    assertThatThrownBy(() -> plan.pidsCgroup(Path.of("/elsewhere"), 3))
        .hasMessageContaining("already set");

    ByteBuffer b = ByteBuffer.wrap(PlanEncoder.encode(plan, null)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.get(4)).isEqualTo((byte) PlanEncoder.T_CGROUP);
    int len = b.getInt(5);
    byte[] payload = Arrays.copyOfRange(b.array(), 9, 9 + len);
    byte[] expected =
        new PlanEncoder.Out()
            .str16(mem.toString())
            .u8(2)
            .str16("memory.limit_in_bytes")
            .str16("268435456")
            .str16("memory.memsw.limit_in_bytes")
            .str16("268435456")
            .toByteArray();
    assertThat(payload).isEqualTo(expected);
    assertThat(b.get(9 + len)).isEqualTo((byte) PlanEncoder.T_CGROUP);
  }

  @Test
  void v2MemoryLimitsForbidSwapAndV1WithoutSwapAccountingOmitsIt() {
    assertThat(new MemoryCgroup(Path.of("/cg"), 2, true).limits(5))
        .containsExactly(Map.entry("memory.max", 5L), Map.entry("memory.swap.max", 0L));
    assertThat(new MemoryCgroup(Path.of("/cg"), 1, false).limits(5))
        .containsExactly(Map.entry("memory.limit_in_bytes", 5L));
  }

  @Test
  void privateTmpfsGetsTheLowestSizeSetOrTheDefault() {
    LinuxLaunchPlan none = new LinuxLaunchPlan();
    none.tmpfsSize(1 << 20);
    assertThat(none.tmpfsSizeOption()).as("no tmpfs mount, no size record").isEmpty();

    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addNamespaces(Namespace.MOUNT);
    plan.addMount(Mount.of(MountKind.TMPFS, Path.of("/tmp")));
    assertThat(plan.tmpfsSizeOption()).contains(LinuxLaunchPlan.DEFAULT_TMPFS_SIZE);
    assertThat(plan.tmpfsInodesOption()).as("the kernel's default without a size").isEmpty();
    plan.tmpfsSize(300L << 20);
    plan.tmpfsSize(256L << 20);
    plan.tmpfsSize(400L << 20);
    assertThat(plan.tmpfsSizeOption()).contains("268435456");
    assertThat(plan.tmpfsInodesOption()).hasValue(131072);
    byte[] encoded = PlanEncoder.encode(plan, null);
    byte[] tail =
        new PlanEncoder.Out()
            .record(PlanEncoder.T_TMPFS_SIZE, new PlanEncoder.Out().utf8("268435456"))
            .record(PlanEncoder.T_TMPFS_INODES, new PlanEncoder.Out().u64(131072))
            .toByteArray();
    assertThat(Arrays.copyOfRange(encoded, encoded.length - tail.length, encoded.length))
        .isEqualTo(tail);
  }
}
