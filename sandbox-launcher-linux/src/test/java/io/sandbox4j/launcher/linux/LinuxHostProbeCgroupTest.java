package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.launcher.linux.LinuxHostProbe.CgroupDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup part of the host probe, on fake /proc and /sys/fs/cgroup trees. */
class LinuxHostProbeCgroupTest {
  @TempDir Path dir;

  private Path proc(String selfCgroup) throws IOException {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"), selfCgroup);
    return proc;
  }

  private Path cgroups() {
    return dir.resolve("cgroup");
  }

  private Path mkdir(String rel, String... files) throws IOException {
    Path d = Files.createDirectories(cgroups().resolve(rel));
    for (String f : files) {
      Files.writeString(d.resolve(f), "0\n");
    }
    return d;
  }

  /**
   * This machine's layout: v1 memory and pids, the JVM in its own memory cgroup, v2 hugetlb only.
   */
  @Test
  void v1HierarchiesAreFoundAtTheCallersOwnCgroup() throws IOException {
    Path proc = proc("9:name=systemd:/\n8:pids:/\n4:memory:/process_api/b744\n2:cpuacct:/\n0::/\n");
    Path memory =
        mkdir("memory/process_api/b744", "memory.limit_in_bytes", "memory.memsw.limit_in_bytes");
    Path pids = mkdir("pids");
    Files.writeString(mkdir("unified").resolve("cgroup.subtree_control"), "hugetlb\n");

    assertThat(LinuxHostProbe.findCgroup(proc, cgroups(), "pids")).contains(new CgroupDir(pids, 1));
    assertThat(LinuxHostProbe.findMemoryCgroup(proc, cgroups()))
        .contains(new MemoryCgroup(memory, 1, true));
    assertThat(LinuxHostProbe.findCgroup(proc, cgroups(), "cpuset")).isEmpty();
  }

  @Test
  void v1WithoutSwapAccountingCannotLimitSwap() throws IOException {
    Path proc = proc("4:memory:/a\n0::/\n");
    Path memory = mkdir("memory/a", "memory.limit_in_bytes");
    assertThat(LinuxHostProbe.findMemoryCgroup(proc, cgroups()))
        .contains(new MemoryCgroup(memory, 1, false));
  }

  @Test
  void aDelegatedV2SubtreeIsUsedOnlyWhenItDelegatesTheController() throws IOException {
    Path proc = proc("0::/user.slice/user-1000.slice/user@1000.service/app.slice\n");
    Path delegated =
        mkdir("user.slice/user-1000.slice/user@1000.service/app.slice", "memory.swap.max");
    Files.writeString(delegated.resolve("cgroup.subtree_control"), "cpu memory pids\n");
    assertThat(LinuxHostProbe.findMemoryCgroup(proc, cgroups()))
        .contains(new MemoryCgroup(delegated, 2, true));
    assertThat(LinuxHostProbe.findCgroup(proc, cgroups(), "pids"))
        .contains(new CgroupDir(delegated, 2));

    Files.writeString(delegated.resolve("cgroup.subtree_control"), "cpu pids\n");
    assertThat(LinuxHostProbe.findMemoryCgroup(proc, cgroups())).isEmpty();
  }

  @Test
  void aHybridHostsV2MountIsUnderUnified() throws IOException {
    Path proc = proc("0::/job\n");
    Path job = mkdir("unified/job");
    Files.writeString(job.resolve("cgroup.subtree_control"), "memory\n");
    assertThat(LinuxHostProbe.findMemoryCgroup(proc, cgroups()))
        .contains(new MemoryCgroup(job, 2, false));
  }

  @Test
  void aMissingHierarchyOrProcFileFindsNothing() throws IOException {
    assertThat(LinuxHostProbe.findMemoryCgroup(dir.resolve("no-proc"), cgroups())).isEmpty();
    Path proc = proc("4:memory:/gone\n0::/\n");
    assertThat(LinuxHostProbe.findMemoryCgroup(proc, cgroups())).isEmpty();
  }

  @Test
  void anUnwritableCgroupIsNotUsed() throws IOException {
    Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")),
        "root may write a mode 0555 directory; the unprivileged run of this test judges it");
    Path proc = proc("4:memory:/ro\n0::/\n");
    Path ro = mkdir("memory/ro", "memory.limit_in_bytes");
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertThat(LinuxHostProbe.findMemoryCgroup(proc, cgroups())).isEmpty();
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
