package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.FakeLinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Rlimit;
import io.sandbox4j.launcher.linux.MemoryCgroup;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Plans the isolators generate, checked without running anything. */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "runs or plans the Linux namespaces backend (Linux paths, mounts, the native launcher)")
class PlanGenerationTest {
  @TempDir Path tmp;

  private SandboxPolicy.Builder policy(Path ws) {
    return SandboxPolicy.builder(ws).denyCredentialStores(false, Map.of());
  }

  private static LinuxLaunchPlan contribute(
      io.sandbox4j.api.spi.Isolator isolator, SandboxPolicy policy) {
    LaunchSpec spec = new LaunchSpec(policy, List.of("true"), policy.workingDirectory(), Map.of());
    isolator.contribute(policy, isolator.requiredBy(policy), spec);
    return spec.findExtension(LinuxLaunchPlan.class).orElseThrow();
  }

  /** The pins of a root and its ancestors (but /), then the given entries. */
  private static List<String> pinned(Path root, String... rest) {
    List<String> out = new java.util.ArrayList<>();
    for (Path a = root; a.getNameCount() > 0; a = a.getParent()) {
      out.add("PIN " + a);
    }
    out.addAll(List.of(rest));
    return out;
  }

  private static List<String> describe(List<Mount> mounts) {
    return mounts.stream().map(m -> m.kind() + " " + m.path()).toList();
  }

  @Test
  void existingProtectedPathsArePinnedToTheirRootAndBoundReadOnly() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/config"), "");
    Files.writeString(ws.resolve(".git/commondir"), "");
    Files.createDirectories(ws.resolve(".git/modules"));
    Files.createDirectories(ws.resolve(".git/worktrees"));
    Files.writeString(ws.resolve(".git/config.worktree"), "");
    Files.createDirectories(ws.resolve(".sandbox4j"));
    FilesystemMounts m = new FilesystemMounts();
    m.protect(policy(ws).build().filesystem());
    assertThat(describe(m.mounts()))
        .containsExactlyElementsOf(
            pinned(
                ws,
                "PIN " + ws.resolve(".git"),
                "READ_ONLY_BIND " + ws.resolve(".git/hooks"),
                "READ_ONLY_BIND " + ws.resolve(".git/config"),
                "READ_ONLY_BIND " + ws.resolve(".sandbox4j"),
                "READ_ONLY_BIND " + ws.resolve(".git/commondir"),
                "READ_ONLY_BIND " + ws.resolve(".git/config.worktree")));
    assertThat(m.missing()).isEmpty();
  }

  @Test
  void aDenyWritePathOutsideEveryWritableRootIsBoundReadOnlyOnlyWhereItIsSeenInside()
      throws Exception {
    // A policy file in the host's /tmp is kept read-only, but inside the private /tmp hides it:
    // the bind must be optional, or every run with such a policy file fails (issue 10).
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path policyFile = Files.writeString(tmp.resolve("policy.toml"), "version = 1\n");
    FilesystemMounts m = new FilesystemMounts();
    m.protect(policy(ws).protectedNames(List.of()).denyWrite(policyFile).build().filesystem());
    assertThat(m.mounts())
        .filteredOn(mount -> mount.path().equals(policyFile))
        .singleElement()
        .satisfies(
            mount -> {
              assertThat(mount.kind()).isEqualTo(MountKind.READ_ONLY_BIND);
              assertThat(mount.optional()).isTrue();
            });
  }

  @Test
  void aWriteDeniedWorkspaceAndAWritableRootBeneathAWriteDeniedPathAreBoundReadOnly()
      throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path denied = Files.createDirectories(tmp.resolve("denied"));
    Path extra = Files.createDirectories(denied.resolve("extra"));
    FilesystemMounts m = new FilesystemMounts();
    m.protect(policy(ws).allowWrite(extra).denyWrite(ws).denyWrite(denied).build().filesystem());
    List<String> mounts = describe(m.mounts());
    assertThat(mounts)
        .contains("READ_ONLY_BIND " + ws, "READ_ONLY_BIND " + denied, "READ_ONLY_BIND " + extra)
        .as("a read-only path is not pinned writable as well")
        .doesNotContain("PIN " + ws, "PIN " + denied, "PIN " + extra);
  }

  @Test
  void gitsOtherCodePathsFollowHooksOrConfigOnly() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path extra = Files.createDirectories(tmp.resolve("extra"));
    assertThat(
            FilesystemMounts.protectedPaths(
                policy(ws)
                    .allowWrite(extra)
                    .protectedNames(List.of(".git/config"))
                    .build()
                    .filesystem()))
        .containsExactly(
            ws.resolve(".git/config"),
            extra.resolve(".git/config"),
            ws.resolve(".git/commondir"),
            ws.resolve(".git/config.worktree"),
            extra.resolve(".git/commondir"),
            extra.resolve(".git/config.worktree"));
    assertThat(
            FilesystemMounts.protectedPaths(
                policy(ws).protectedNames(List.of(".sandbox4j")).build().filesystem()))
        .containsExactly(ws.resolve(".sandbox4j"));
  }

  @Test
  void missingProtectedPathsAreRecordedWithoutAnyPlaceholder() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createDirectories(ws.resolve(".git/hooks"));
    FilesystemMounts m = new FilesystemMounts();
    m.protect(policy(ws).build().filesystem());
    assertThat(describe(m.mounts()))
        .containsExactlyElementsOf(
            pinned(ws, "PIN " + ws.resolve(".git"), "READ_ONLY_BIND " + ws.resolve(".git/hooks")));
    assertThat(m.missing())
        .as("beneath .git, the engine's git sweep owns what the command creates")
        .extracting(FilesystemMounts.Missing::path)
        .containsExactly(ws.resolve(".sandbox4j"));
    try (var s = Files.list(ws.resolve(".git"))) {
      assertThat(s.toList()).containsExactly(ws.resolve(".git/hooks"));
    }

    Path bare = Files.createDirectories(tmp.resolve("bare"));
    FilesystemMounts b = new FilesystemMounts();
    b.protect(policy(bare).build().filesystem());
    assertThat(describe(b.mounts())).containsExactlyElementsOf(pinned(bare));
    assertThat(b.missing())
        .extracting(FilesystemMounts.Missing::path)
        .containsExactly(bare.resolve(".sandbox4j"));
    try (var s = Files.list(bare)) {
      assertThat(s.toList()).as("nothing created in the workspace").isEmpty();
    }
  }

  @Test
  void aGitFileIsBoundReadOnlyItself() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.writeString(ws.resolve(".git"), "gitdir: /elsewhere\n");
    FilesystemMounts m = new FilesystemMounts();
    m.protect(policy(ws).protectedNames(List.of(".git/hooks")).build().filesystem());
    assertThat(describe(m.mounts()))
        .containsExactlyElementsOf(pinned(ws, "READ_ONLY_BIND " + ws.resolve(".git")));
  }

  @Test
  void aSymbolicLinkOnTheWayIsRefused() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path real = Files.createDirectories(tmp.resolve("real"));
    Files.createSymbolicLink(ws.resolve(".git"), real);
    FilesystemMounts m = new FilesystemMounts();
    assertThatThrownBy(() -> m.protect(policy(ws).build().filesystem()))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("is a symbolic link");
  }

  @Test
  void privateTmpKeepsWritableRootsBeneathItAndRefusesARootContainingIt() throws Exception {
    Path fakeTmp = Files.createDirectories(tmp.resolve("t"));
    Path ws = Files.createDirectories(fakeTmp.resolve("a/ws"));
    FilesystemMounts m = new FilesystemMounts();
    m.privateTmp(List.of(ws, Path.of("/nonexistent-s4j")), List.of(fakeTmp, tmp.resolve("none")));
    assertThat(m.mounts())
        .containsExactly(
            new Mount(MountKind.TMPFS, fakeTmp.toRealPath(), false, List.of(ws.toRealPath())));
    assertThatThrownBy(() -> new FilesystemMounts().privateTmp(List.of(tmp), List.of(fakeTmp)))
        .hasMessageContaining("contains it");
  }

  @Test
  void readDenyMasksExistingPathsOnly() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path secret = Files.writeString(tmp.resolve("secret"), "x");
    FilesystemMounts m = new FilesystemMounts();
    m.denyRead(List.of(secret, tmp.resolve("missing")));
    assertThat(m.mounts()).containsExactly(Mount.optional(MountKind.MASK, secret));
  }

  @Test
  void filesystemIsolatorUsesUserMountAndPidNamespacesWithAFreshProc() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    LinuxLaunchPlan plan =
        contribute(
            new NamespacesFilesystemIsolator(FakeLinuxHost.ordinaryUser()),
            policy(ws).privateTmp(false).build());
    assertThat(plan.namespaces()).contains(Namespace.USER, Namespace.MOUNT, Namespace.PID);
    assertThat(plan.mounts()).first().isEqualTo(Mount.of(MountKind.PROC, Path.of("/proc")));
  }

  @Test
  void networkIsolatorAddsANetworkNamespaceLoopbackAndMasksHostSockets() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path unix = tmp.resolve("unix");
    Files.writeString(
        unix,
        "Num       RefCount Protocol Flags    Type St Inode Path\n"
            + "0000000000000000: 00000002 00000000 00010000 0001 01 1001 /run/docker.sock\n"
            + "0000000000000000: 00000002 00000000 00010000 0001 01 1002 @abstract\n"
            + "0000000000000000: 00000002 00000000 00010000 0001 01 1003\n"
            + "0000000000000000: 00000002 00000000 00010000 0001 01 1004 "
            + ws
            + "/own.sock\n"
            + "0000000000000000: 00000002 00000000 00010000 0001 01 1005 /run/with space.sock\n");
    NamespacesNetworkIsolator net =
        new NamespacesNetworkIsolator(FakeLinuxHost.ordinaryUser(), unix, "amd64");
    assertThat(net.hostSockets())
        .containsExactly(
            Path.of("/run/docker.sock"), ws.resolve("own.sock"), Path.of("/run/with space.sock"));
    LinuxLaunchPlan plan = contribute(net, policy(ws).build());
    assertThat(plan.namespaces()).contains(Namespace.USER, Namespace.NET);
    assertThat(plan.isLoopbackUp()).isTrue();
    assertThat(plan.seccompFilters())
        .singleElement()
        .isEqualTo(Bpf.encode(SeccompPrograms.socketFamilyAllowList()));
    assertThat(plan.mounts())
        .contains(Mount.optional(MountKind.MASK, Path.of("/run/docker.sock")))
        .doesNotContain(Mount.optional(MountKind.MASK, ws.resolve("own.sock")));
    SandboxPolicy all = policy(ws).network(io.sandbox4j.api.NetworkPolicy.ALL).build();
    LaunchSpec spec = new LaunchSpec(all, List.of("true"), ws, Map.of());
    net.contribute(all, net.requiredBy(all), spec);
    assertThat(spec.findExtension(LinuxLaunchPlan.class)).isEmpty();
  }

  @Test
  void networkIsolatorNeedsSeccompAndACoveredArchitecture() {
    Path unix = Path.of("/proc/net/unix");
    assertThat(
            new NamespacesNetworkIsolator(FakeLinuxHost.ordinaryUser(), unix, "amd64")
                .probe()
                .available())
        .isTrue();
    assertThat(
            new NamespacesNetworkIsolator(FakeLinuxHost.ordinaryUser(), unix, "aarch64")
                .probe()
                .available())
        .isTrue();
    Availability noSeccomp =
        new NamespacesNetworkIsolator(
                FakeLinuxHost.ordinaryUser().withSeccompFilter(false), unix, "amd64")
            .probe();
    assertThat(noSeccomp.available()).isFalse();
    assertThat(noSeccomp.detail()).contains("CONFIG_SECCOMP_FILTER");
    Availability riscv =
        new NamespacesNetworkIsolator(FakeLinuxHost.ordinaryUser(), unix, "riscv64").probe();
    assertThat(riscv.available()).isFalse();
    assertThat(riscv.detail()).contains("riscv64").contains("--backend seccomp");
  }

  @Test
  void rlimitsComeFromTheResourceLimits() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    ResourceLimits limits =
        ResourceLimits.NONE
            .withMemoryBytes(1L << 30)
            .withCpuTime(Duration.ofMillis(1500))
            .withMaxFileSizeBytes(4096)
            .withMaxOpenFiles(64);
    LinuxLaunchPlan plan =
        contribute(
            new NamespacesResourceIsolator(FakeLinuxHost.ordinaryUser()),
            policy(ws).resources(limits).build());
    assertThat(plan.rlimits())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(Rlimit.AS, 1L << 30, Rlimit.CPU, 2L, Rlimit.FSIZE, 4096L, Rlimit.NOFILE, 64L));
    assertThat(plan.namespaces()).isEmpty();
  }

  @Test
  void processLimitIsNprocInTheUserNamespaceForAnOrdinaryUser() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    SandboxPolicy p = policy(ws).resources(ResourceLimits.NONE.withMaxProcesses(10)).build();
    LinuxLaunchPlan plan =
        contribute(new NamespacesResourceIsolator(FakeLinuxHost.ordinaryUser()), p);
    assertThat(plan.rlimits()).containsEntry(Rlimit.NPROC, 12L);
    assertThat(plan.namespaces()).contains(Namespace.USER, Namespace.PID);
    assertThat(plan.pidsCgroup()).isEmpty();
  }

  @Test
  void processLimitIsAPidsCgroupForRootAndRefusedWithoutOne() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    SandboxPolicy p = policy(ws).resources(ResourceLimits.NONE.withMaxProcesses(10)).build();
    Path cg = Path.of("/sys/fs/cgroup/pids");
    LinuxLaunchPlan plan =
        contribute(
            new NamespacesResourceIsolator(FakeLinuxHost.ordinaryUser().asRoot(Optional.of(cg))),
            p);
    assertThat(plan.pidsCgroup()).contains(cg);
    assertThat(plan.pidsMax()).hasValue(11);
    assertThat(plan.rlimits()).doesNotContainKey(Rlimit.NPROC);

    NamespacesResourceIsolator none =
        new NamespacesResourceIsolator(FakeLinuxHost.ordinaryUser().asRoot(Optional.empty()));
    assertThat(none.features()).doesNotContain(Feature.RES_MAX_PROCS).contains(Feature.RES_MEMORY);
    assertThat(none.probe().detail()).contains("root is exempt from RLIMIT_NPROC");
    assertThatThrownBy(() -> contribute(none, p))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("max-procs cannot be enforced");
  }

  @Test
  void memoryIsAPerRunCgroupWhereOneCanBeHadAndEachPrivateTmpfsIsCappedEitherWay()
      throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    SandboxPolicy p = policy(ws).resources(ResourceLimits.NONE.withMemoryBytes(256L << 20)).build();
    Path parent = Path.of("/sys/fs/cgroup/memory/jvm");
    NamespacesResourceIsolator withCgroup =
        new NamespacesResourceIsolator(
            FakeLinuxHost.ordinaryUser()
                .asRoot(Optional.empty())
                .withMemoryCgroup(new MemoryCgroup(parent, 1, true)));
    LinuxLaunchPlan plan = contribute(withCgroup, p);
    assertThat(plan.cgroups())
        .containsExactlyEntriesOf(
            Map.of(
                parent,
                Map.of(
                    "memory.limit_in_bytes",
                    256L << 20,
                    "memory.memsw.limit_in_bytes",
                    256L << 20)));
    assertThat(plan.rlimits()).containsEntry(Rlimit.AS, 256L << 20);
    assertThat(plan.tmpfsSize()).hasValue(256L << 20);
    assertThat(String.join("\n", withCgroup.explain(p, withCgroup.requiredBy(p))))
        .contains("the whole sandbox at 268435456 bytes by a per-run cgroup v1 memory limit")
        .contains("tmpfs files and memfds")
        .contains("swap included")
        .contains("counted in the cgroup");

    NamespacesResourceIsolator without =
        new NamespacesResourceIsolator(FakeLinuxHost.ordinaryUser());
    LinuxLaunchPlan bare = contribute(without, p);
    assertThat(bare.cgroups()).isEmpty();
    assertThat(bare.tmpfsSize()).hasValue(256L << 20);
    assertThat(String.join("\n", without.explain(p, without.requiredBy(p))))
        .contains("not bounded for the sandbox as a whole")
        .contains("memfd and System V shared memory pages are not bounded")
        .contains("at 268435456 bytes and 131072 files, up to 805306368 together");
    assertThat(without.probe().detail()).contains("no memory cgroup here");
  }

  @Test
  void theFilesystemAndResourceIsolatorsTogetherSizeThePrivateTmpfs() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    SandboxPolicy p = policy(ws).resources(ResourceLimits.NONE.withMemoryBytes(64L << 20)).build();
    LaunchSpec spec = new LaunchSpec(p, List.of("true"), p.workingDirectory(), Map.of());
    for (io.sandbox4j.api.spi.Isolator i :
        List.of(
            new NamespacesFilesystemIsolator(FakeLinuxHost.ordinaryUser()),
            new NamespacesResourceIsolator(FakeLinuxHost.ordinaryUser()))) {
      i.contribute(p, i.requiredBy(p), spec);
    }
    LinuxLaunchPlan plan = spec.findExtension(LinuxLaunchPlan.class).orElseThrow();
    assertThat(plan.mounts()).anyMatch(m -> m.kind() == MountKind.TMPFS);
    assertThat(plan.tmpfsSizeOption()).contains(Long.toString(64L << 20));

    SandboxPolicy noLimit = policy(ws).build();
    LinuxLaunchPlan unsized =
        contribute(new NamespacesFilesystemIsolator(FakeLinuxHost.ordinaryUser()), noLimit);
    assertThat(unsized.tmpfsSizeOption()).contains(LinuxLaunchPlan.DEFAULT_TMPFS_SIZE);
  }

  @Test
  void probesExplainMissingUserNamespaces() {
    FakeLinuxHost blocked =
        FakeLinuxHost.ordinaryUser()
            .withUserNamespaces(Availability.unavailable("AppArmor restricts unprivileged userns"));
    assertThat(new NamespacesFilesystemIsolator(blocked).probe().available()).isFalse();
    assertThat(new NamespacesProcessIsolator(blocked).probe().detail()).contains("AppArmor");
    assertThat(new NamespacesResourceIsolator(blocked).features())
        .doesNotContain(Feature.RES_MAX_PROCS);
  }

  @Test
  void newSessionIsClaimedOnlyWhenTiocstiIsDisabled() {
    assertThat(new NamespacesProcessIsolator(FakeLinuxHost.ordinaryUser()).features())
        .doesNotContain(Feature.PROC_NEW_SESSION)
        .contains(Feature.PROC_TREE_KILL, Feature.PROC_ISOLATION, Feature.PROC_NO_PRIVILEGES);
    assertThat(
            new NamespacesProcessIsolator(FakeLinuxHost.ordinaryUser().withLegacyTiocsti(false))
                .features())
        .contains(Feature.PROC_NEW_SESSION);
  }
}
