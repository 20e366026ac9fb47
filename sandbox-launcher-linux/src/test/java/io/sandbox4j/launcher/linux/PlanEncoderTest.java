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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
