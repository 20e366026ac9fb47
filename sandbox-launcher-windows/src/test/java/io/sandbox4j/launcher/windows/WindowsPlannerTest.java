package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WindowsPlannerTest {
  /**
   * A file system with Windows semantics (drive letters, backslashes, case-insensitive names): the
   * planner is tested on the paths it plans for, identically on every OS.
   */
  private static final FileSystem WINDOWS = Jimfs.newFileSystem(Configuration.windows());

  private static final Path WS = WINDOWS.getPath("C:\\work\\ws");

  private static Path win(String path) {
    return WINDOWS.getPath(path);
  }

  private static final Sid TRUSTEE = Sid.derived("test", "trustee");

  private static SandboxPolicy policy() {
    return SandboxPolicy.builder(WS).denyCredentialStores(false, Map.of()).build();
  }

  @Test
  void jobLimitsCarryEveryResourceLimitWithItsFlag() {
    ResourceLimits r =
        ResourceLimits.NONE
            .withMemoryBytes(256L << 20)
            .withCpuTime(Duration.ofMillis(1500))
            .withMaxProcesses(8);
    JobLimits j = WindowsPlanner.jobLimits(r, true);
    assertThat(j.limitFlags())
        .isEqualTo(
            0x2000 /* KILL_ON_JOB_CLOSE */
                | 0x0400 /* DIE_ON_UNHANDLED_EXCEPTION */
                | 0x0008 /* ACTIVE_PROCESS */
                | 0x0200 /* JOB_MEMORY */
                | 0x0004 /* JOB_TIME */);
    assertThat(j.activeProcessLimit()).isEqualTo(8);
    assertThat(j.jobMemoryLimit()).isEqualTo(268_435_456L);
    assertThat(j.perJobUserTimeLimit())
        .as("1.5 s rounds up to 2 s in 100 ns")
        .isEqualTo(20_000_000L);
    assertThat(j.uiRestrictions()).isEqualTo(0xFF);
  }

  @Test
  void withoutLimitsTheJobStillKillsOnClose() {
    JobLimits j = WindowsPlanner.jobLimits(ResourceLimits.NONE, false);
    assertThat(j.limitFlags()).isEqualTo(0x2000 | 0x0400);
    assertThat(j.activeProcessLimit()).isZero();
    assertThat(j.jobMemoryLimit()).isZero();
    assertThat(j.uiRestrictions()).isZero();
  }

  @Test
  void mergingJobLimitsKeepsTheStricter() {
    JobLimits a = new JobLimits(0x2000 | 0x8, 10, 0, 0, 0);
    JobLimits b = new JobLimits(0x2000 | 0x8 | 0x200, 4, 1 << 20, 0, 0x1);
    JobLimits m = a.merge(b);
    assertThat(m.limitFlags()).isEqualTo(0x2000 | 0x8 | 0x200);
    assertThat(m.activeProcessLimit()).isEqualTo(4);
    assertThat(m.jobMemoryLimit()).isEqualTo(1 << 20);
    assertThat(m.uiRestrictions()).isEqualTo(1);
  }

  @Test
  void malformedJobLimitsAreRejected() {
    assertThatThrownBy(() -> new JobLimits(0x8, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("active process limit flag set but value is 0");
    assertThatThrownBy(() -> new JobLimits(0, 0, 4096, 0, 0))
        .hasMessage("job memory 4096 given without its limit flag");
    assertThatThrownBy(() -> new JobLimits(0x800 /* BREAKAWAY_OK */, 0, 0, 0, 0))
        .hasMessageContaining("must not allow breakaway");
    assertThat(new JobLimits(0, 0, 0, 0, 0).limitFlags()).isEqualTo(0x2000);
  }

  @Test
  void restrictedTokenDropsPrivilegesAndAdminGroupsAndRestrictsWrites() {
    Sid ws = WindowsPlanner.workspaceSid(WS);
    Sid run = Sid.derived("run", "1");
    RestrictedTokenSpec t = WindowsPlanner.restrictedToken(ws, run);
    assertThat(t.flags()).isEqualTo(0x1 /* DISABLE_MAX_PRIVILEGE */ | 0x8 /* WRITE_RESTRICTED */);
    assertThat(t.denyOnlySids())
        .extracting(Sid::value)
        .contains("S-1-5-32-544", "S-1-5-114", "S-1-5-32-547");
    assertThat(t.restrictingSids())
        .containsExactly(ws, run, new Sid("S-1-5-12"), new Sid("S-1-1-0"), Sid.LOGON_SESSION);
    assertThat(t.integrityLevel().value()).isEqualTo("S-1-16-4096");
    assertThat(t.defaultDaclGrantees()).contains(run);
  }

  @Test
  void theLogonSidOfTheCallerReplacesItsPlaceholderOrIsDroppedWhenThereIsNone() {
    Sid ws = WindowsPlanner.workspaceSid(WS);
    Sid run = Sid.derived("run", "1");
    RestrictedTokenSpec t = WindowsPlanner.restrictedToken(ws, run);
    Sid logon = new Sid("S-1-5-5-0-123456");
    assertThat(WindowsPlanner.withLogonSid(t, Optional.of(logon)).restrictingSids())
        .containsExactly(ws, run, Sid.RESTRICTED_CODE, Sid.EVERYONE, logon);
    assertThat(WindowsPlanner.withLogonSid(t, Optional.empty()).restrictingSids())
        .containsExactly(ws, run, Sid.RESTRICTED_CODE, Sid.EVERYONE);
    assertThat(WindowsPlanner.withLogonSid(t, Optional.of(logon)).flags()).isEqualTo(t.flags());
  }

  @Test
  void thePrivateDesktopIsNamedWithItsWindowStation() {
    assertThat(WindowsPlanner.desktopName("WinSta0", "sandbox4j-abc"))
        .isEqualTo("WinSta0\\sandbox4j-abc");
    assertThat(WindowsPlanner.desktopName("Service-0x0-3e7$", "sandbox4j-abc"))
        .isEqualTo("Service-0x0-3e7$\\sandbox4j-abc");
    assertThatThrownBy(() -> WindowsPlanner.desktopName("", "d"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WindowsPlanner.desktopName("WinSta0", "a\\b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anAppContainerRunGetsEveryUiRestrictionAndNeverLpac() {
    WindowsLaunchPlan plan = WindowsPlanner.containWorkspace(policy(), new WindowsLaunchPlan());
    assertThat(plan.jobLimits().uiRestrictions()).isEqualTo(0xFF);
    assertThat(plan.jobLimits().limitFlags() & 0x2000).isEqualTo(0x2000);
    assertThat(plan.appContainer().orElseThrow().lessPrivileged())
        .as("LPAC would need grants outside the workspace for every program it runs")
        .isFalse();
  }

  @Test
  void withAnAppContainerTheTokenOnlyDropsPrivilegesAndAdminGroups() {
    RestrictedTokenSpec full =
        WindowsPlanner.restrictedToken(WindowsPlanner.workspaceSid(WS), Sid.derived("run", "2"));
    RestrictedTokenSpec ac = WindowsPlanner.forAppContainer(full);
    assertThat(ac.flags()).isEqualTo(0x1);
    assertThat(ac.restrictingSids()).isEmpty();
    assertThat(ac.denyOnlySids()).isEqualTo(full.denyOnlySids());
    assertThat(ac.integrityLevel()).isEqualTo(Sid.LOW_INTEGRITY);
  }

  @Test
  void withAnAppContainerOnlyTheContainersGrantsAreApplied() {
    WindowsLaunchPlan plan = new WindowsLaunchPlan();
    AccessGrant label =
        new AccessGrant(WS, Sid.LOW_INTEGRITY, AccessGrant.Mode.LOW_INTEGRITY_LABEL, 1, true);
    AccessGrant container =
        new AccessGrant(WS, Sid.RUN_APPCONTAINER, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true);
    plan.addWorkspaceGrants(WS, List.of(label, container));
    assertThat(WindowsPlanner.effectiveGrants(plan)).containsExactly(label, container);
    plan.appContainer(new AppContainerSpec("p", List.of(), false));
    assertThat(WindowsPlanner.effectiveGrants(plan)).containsExactly(container);
  }

  @Test
  void aTokenSpecThatKeepsPrivilegesIsRejected() {
    assertThatThrownBy(
            () -> new RestrictedTokenSpec(0x8, List.of(), List.of(), Sid.LOW_INTEGRITY, List.of()))
        .hasMessageContaining("DISABLE_MAX_PRIVILEGE is missing from flags 0x8");
  }

  @Test
  void workspaceSidIsStableAndDistinct() {
    assertThat(WindowsPlanner.workspaceSid(WS)).isEqualTo(WindowsPlanner.workspaceSid(WS));
    assertThat(WindowsPlanner.workspaceSid(WS))
        .isNotEqualTo(WindowsPlanner.workspaceSid(win("C:\\work\\other")));
    assertThat(WindowsPlanner.workspaceSid(WS).value()).matches("S-1-15-3(-\\d+){4}");
  }

  @Test
  void aWritableRootBeneathAWriteDeniedPathIsDeniedWritesExplicitly() {
    Path denied = win("C:\\work\\shared");
    Path extra = denied.resolve("cache");
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .protectedNames(List.of())
            .allowWrite(extra)
            .denyWrite(denied)
            .denyWrite(WS)
            .build();
    assertThat(WindowsPlanner.writeGrants(p.filesystem(), TRUSTEE))
        .filteredOn(g -> g.mode() == AccessGrant.Mode.DENY)
        .contains(
            new AccessGrant(WS, TRUSTEE, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES, true),
            new AccessGrant(denied, TRUSTEE, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES, true),
            new AccessGrant(extra, TRUSTEE, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES, true));
  }

  @Test
  void writeGrantsAllowTheRootsAndDenyProtectedPathsAndTheirAncestorsDeletion() {
    List<AccessGrant> grants = WindowsPlanner.writeGrants(policy().filesystem(), TRUSTEE);
    assertThat(grants)
        .containsExactly(
            new AccessGrant(WS, TRUSTEE, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true),
            new AccessGrant(
                WS.resolve(".git/hooks"),
                TRUSTEE,
                AccessGrant.Mode.DENY,
                AccessGrant.ALL_WRITES,
                true),
            new AccessGrant(
                WS.resolve(".git/config"),
                TRUSTEE,
                AccessGrant.Mode.DENY,
                AccessGrant.ALL_WRITES,
                true),
            new AccessGrant(
                WS.resolve(".sandbox4j"),
                TRUSTEE,
                AccessGrant.Mode.DENY,
                AccessGrant.ALL_WRITES,
                true),
            new AccessGrant(WS.resolve(".git"), TRUSTEE, AccessGrant.Mode.DENY, 0x10000, false),
            new AccessGrant(WS, TRUSTEE, AccessGrant.Mode.DENY, 0x10000, false));
  }

  @Test
  void modifyGrantsNoDeleteChildSoProtectedChildrenCannotBeRemoved() {
    assertThat(AccessGrant.MODIFY & 0x40 /* FILE_DELETE_CHILD */).isZero();
    assertThat(AccessGrant.MODIFY & 0x10000 /* DELETE */).isNotZero();
    assertThat(AccessGrant.ALL_WRITES)
        .isEqualTo(0x2 | 0x4 | 0x10 | 0x100 | 0x40 | 0x10000 | 0x40000 | 0x80000);
  }

  @Test
  void readDenyGrantsOnlyInsideGrantedRoots() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .denyCredentialStores(false, Map.of())
            .denyRead(WS.resolve("secrets"))
            .denyRead(win("C:\\Users\\u\\.ssh"))
            .build();
    assertThat(WindowsPlanner.readDenyGrants(p.filesystem(), TRUSTEE))
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.path()).isEqualTo(WS.resolve("secrets"));
              assertThat(g.mode()).isEqualTo(AccessGrant.Mode.DENY);
              assertThat(g.accessMask() & AccessGrant.READ_EXECUTE)
                  .isEqualTo(AccessGrant.READ_EXECUTE);
              assertThat(g.inherit()).isTrue();
            });
  }

  @Test
  void networkCapabilities() {
    assertThat(WindowsPlanner.networkCapabilities(NetworkMode.NONE)).isEmpty();
    assertThat(WindowsPlanner.networkCapabilities(NetworkMode.ALLOW))
        .containsExactly(new Sid("S-1-15-3-1"));
    assertThat(WindowsPlanner.networkCapabilities(NetworkMode.ALL))
        .extracting(Sid::value)
        .containsExactly("S-1-15-3-1", "S-1-15-3-2", "S-1-15-3-3");
  }

  @Test
  void noNetworkBlocksAllFourAleLayersByPackageSid() {
    List<WfpFilter> f = WindowsPlanner.wfpFilters(NetworkPolicy.NONE, h -> List.of());
    assertThat(f)
        .extracting(WfpFilter::layer)
        .containsExactly(
            WfpLayer.ALE_AUTH_CONNECT_V4,
            WfpLayer.ALE_AUTH_CONNECT_V6,
            WfpLayer.ALE_AUTH_RECV_ACCEPT_V4,
            WfpLayer.ALE_AUTH_RECV_ACCEPT_V6);
    assertThat(f)
        .allSatisfy(
            x -> {
              assertThat(x.action()).isEqualTo(WfpFilter.Action.BLOCK);
              assertThat(x.action().code()).isEqualTo(0x1001);
              assertThat(x.weight()).isZero();
              assertThat(x.conditions()).containsExactly(WfpCondition.packageId());
            });
    assertThat(WfpLayer.ALE_AUTH_CONNECT_V4.guid())
        .isEqualTo("c38d57d1-05a7-4c33-904f-7fbceee60e82");
    assertThat(WfpCondition.Field.PACKAGE_ID.guid())
        .isEqualTo("71bc78fa-f17c-4997-a602-6abb261f351c");
  }

  @Test
  void allowListPermitsEachResolvedAddressAndPortAtTheConnectLayerOfItsFamily() throws Exception {
    InetAddress v4 = InetAddress.getByName("93.184.216.34");
    InetAddress v6 = InetAddress.getByName("2606:2800:220:1::1");
    InetAddress lan = InetAddress.getByName("10.0.0.1");
    WindowsPlanner.HostResolver resolver =
        h ->
            switch (h) {
              case "example.com" -> List.of(v4, v6);
              case "10.0.0.1" -> List.of(lan);
              default -> throw new UnknownHostException(h);
            };
    NetworkPolicy n =
        NetworkPolicy.allow(List.of(HostPort.parse("example.com:443"), HostPort.parse("10.0.0.1")));
    List<WfpFilter> f = WindowsPlanner.wfpFilters(n, resolver);
    assertThat(f).hasSize(7);
    List<WfpFilter> permits =
        f.stream().filter(x -> x.action() == WfpFilter.Action.PERMIT).toList();
    assertThat(permits)
        .containsExactly(
            new WfpFilter(
                WfpLayer.ALE_AUTH_CONNECT_V4,
                WfpFilter.Action.PERMIT,
                15,
                List.of(
                    WfpCondition.packageId(),
                    WfpCondition.remoteAddress(v4),
                    WfpCondition.remotePort(443))),
            new WfpFilter(
                WfpLayer.ALE_AUTH_CONNECT_V6,
                WfpFilter.Action.PERMIT,
                15,
                List.of(
                    WfpCondition.packageId(),
                    WfpCondition.remoteAddress(v6),
                    WfpCondition.remotePort(443))),
            new WfpFilter(
                WfpLayer.ALE_AUTH_CONNECT_V4,
                WfpFilter.Action.PERMIT,
                15,
                List.of(WfpCondition.packageId(), WfpCondition.remoteAddress(lan))));
    assertThat(permits).noneMatch(p -> !p.layer().isConnect());
  }

  @Test
  void wildcardHostWithPortPermitsThatPortOnly() {
    List<WfpFilter> f =
        WindowsPlanner.wfpFilters(
            NetworkPolicy.allow(List.of(HostPort.parse("*:8080"))), h -> List.of());
    assertThat(f.stream().filter(x -> x.action() == WfpFilter.Action.PERMIT))
        .extracting(WfpFilter::conditions)
        .containsOnly(List.of(WfpCondition.packageId(), WfpCondition.remotePort(8080)));
  }

  @Test
  void unresolvableOrPortlessWildcardHostsAreRejectedWithTheEntryNamed() {
    assertThatThrownBy(
            () ->
                WindowsPlanner.wfpFilters(
                    NetworkPolicy.allow(List.of(HostPort.parse("nowhere.invalid:80"))),
                    h -> {
                      throw new UnknownHostException("no such host");
                    }))
        .isInstanceOf(SandboxException.class)
        .hasMessage("network allow-list host 'nowhere.invalid' cannot be resolved: no such host")
        .extracting(e -> ((SandboxException) e).exitCode())
        .isEqualTo(2);
    assertThatThrownBy(
            () ->
                WindowsPlanner.wfpFilters(
                    NetworkPolicy.allow(List.of(HostPort.parse("*"))), h -> List.of()))
        .hasMessageContaining("'*' needs a port");
  }

  @Test
  void networkModeAllNeedsNoFilters() {
    assertThat(WindowsPlanner.wfpFilters(NetworkPolicy.ALL, h -> List.of())).isEmpty();
  }

  @Test
  void malformedFiltersAreRejected() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    assertThatThrownBy(
            () ->
                new WfpFilter(
                    WfpLayer.ALE_AUTH_CONNECT_V4,
                    WfpFilter.Action.BLOCK,
                    0,
                    List.of(WfpCondition.remotePort(80))))
        .hasMessageContaining("must be keyed by the package SID first");
    assertThatThrownBy(
            () ->
                new WfpFilter(
                    WfpLayer.ALE_AUTH_CONNECT_V4,
                    WfpFilter.Action.PERMIT,
                    1,
                    List.of(WfpCondition.packageId(), WfpCondition.remoteAddress(v6))))
        .hasMessage(
            "condition remote-address=0:0:0:0:0:0:0:1 does not fit layer ALE_AUTH_CONNECT_V4"
                + " (address family mismatch)");
    assertThatThrownBy(
            () ->
                new WfpFilter(
                    WfpLayer.ALE_AUTH_CONNECT_V4,
                    WfpFilter.Action.BLOCK,
                    16,
                    List.of(WfpCondition.packageId())))
        .hasMessage("filter weight 16 is not in 0..15");
    assertThatThrownBy(() -> WfpCondition.remotePort(0))
        .hasMessage("remote port 0 is not in 1..65535");
  }

  @Test
  void malformedSidsAndProfileNamesAreRejected() {
    assertThatThrownBy(() -> new Sid("S-1-5-abc"))
        .hasMessage("'S-1-5-abc' is not a SID in string form (S-1-<authority>-<sub-authority>...)");
    assertThatThrownBy(() -> new Sid("S-1-5-4294967296"))
        .hasMessage("SID 'S-1-5-4294967296': sub-authority 4294967296 exceeds 32 bits");
    assertThat(new Sid("S-1-5-4294967295").value()).isEqualTo("S-1-5-4294967295");
    assertThatThrownBy(() -> new AppContainerSpec("a/b", List.of(), false))
        .hasMessageContaining("'a/b' must be 1 to 64 characters");
    assertThatThrownBy(() -> new AppContainerSpec("x".repeat(65), List.of(), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AccessGrant(win("rel"), TRUSTEE, AccessGrant.Mode.ALLOW, 1, false))
        .hasMessage("ACL grant path 'rel' must be absolute");
  }

  @Test
  void profileNameIsStablePerWorkspaceAndValid() {
    String name = WindowsPlanner.profileName(WS);
    assertThat(name).isEqualTo(WindowsPlanner.profileName(WS)).hasSize(42).startsWith("sandbox4j.");
    assertThat(new AppContainerSpec(name, List.of(), false).profileName()).isEqualTo(name);
    assertThat(WindowsPlanner.profileName(win("C:\\other"))).isNotEqualTo(name);
  }

  @Test
  void attributeListForAnLpacContainerRun() {
    WindowsLaunchPlan plan = new WindowsLaunchPlan();
    assertThat(WindowsPlanner.attributeList(plan)).containsExactly(0x20002, 0x2000D);
    plan.appContainer(new AppContainerSpec("p", List.of(), true));
    assertThat(WindowsPlanner.attributeList(plan))
        .as("HANDLE_LIST, SECURITY_CAPABILITIES, ALL_APPLICATION_PACKAGES_POLICY, JOB_LIST")
        .containsExactly(0x20002, 0x20009, 0x2000F, 0x2000D);
  }

  @Test
  void appContainerContributionsMergeCapabilities() {
    WindowsLaunchPlan plan = new WindowsLaunchPlan();
    plan.appContainer(new AppContainerSpec("p", List.of(), false));
    plan.appContainer(new AppContainerSpec("p", List.of(Sid.CAPABILITY_INTERNET_CLIENT), true));
    assertThat(plan.appContainer().orElseThrow().capabilities())
        .containsExactly(Sid.CAPABILITY_INTERNET_CLIENT);
    assertThat(plan.appContainer().orElseThrow().lessPrivileged()).isTrue();
    assertThatThrownBy(() -> plan.appContainer(new AppContainerSpec("q", List.of(), false)))
        .hasMessageContaining("profile 'p' already set");
  }

  @Test
  void privateTmpAndDesktopDescriptorsAreProtectedAndLowLabelled() {
    Sid run = Sid.derived("run", "x");
    String tmp = WindowsPlanner.privateTmpSddl("S-1-5-21-1-2-3-1001", run);
    assertThat(tmp)
        .isEqualTo(
            "D:P(A;OICI;FA;;;S-1-5-21-1-2-3-1001)(A;OICI;FA;;;" + run + ")S:(ML;OICI;NW;;;LW)");
    assertThat(WindowsPlanner.desktopSddl("S-1-5-21-1-2-3-1001", run))
        .startsWith("D:P(")
        .contains("(A;;GA;;;" + run + ")", "(A;;GA;;;AC)")
        .endsWith("S:(ML;;NW;;;LW)");
    assertThatThrownBy(() -> WindowsPlanner.privateTmpSddl("bogus", run))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theContainerSidReplacesItsPlaceholderAndOnlyContainerGrantsApply() {
    Sid container = new Sid("S-1-15-2-1-2-3-4-5-6-7");
    AccessGrant forContainer =
        new AccessGrant(WS, Sid.RUN_APPCONTAINER, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true);
    AccessGrant forToken =
        new AccessGrant(WS, TRUSTEE, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true);
    WindowsLaunchPlan tokenOnly = new WindowsLaunchPlan();
    tokenOnly.addWorkspaceGrants(WS, List.of(forToken));
    assertThat(WindowsPlanner.grantsToApply(tokenOnly, Optional.empty())).containsExactly(forToken);
    assertThatThrownBy(() -> WindowsPlanner.grantsToApply(tokenOnly, Optional.of(container)))
        .isInstanceOf(IllegalArgumentException.class);

    WindowsLaunchPlan both = new WindowsLaunchPlan();
    both.appContainer(new AppContainerSpec("p", List.of(), false));
    both.addWorkspaceGrants(WS, List.of(forContainer, forToken));
    assertThat(WindowsPlanner.grantsToApply(both, Optional.of(container)))
        .containsExactly(
            new AccessGrant(WS, container, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true));
    assertThatThrownBy(() -> WindowsPlanner.grantsToApply(both, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aContainerRunGetsTheReducedTokenAndCarriesTheRunSidAsCapability() {
    Sid workspace = WindowsPlanner.workspaceSid(WS);
    WindowsLaunchPlan plan = new WindowsLaunchPlan();
    assertThat(WindowsPlanner.tokenToCreate(plan)).isEmpty();
    RestrictedTokenSpec token = WindowsPlanner.restrictedToken(workspace, plan.runSid());
    plan.restrictedToken(token);
    assertThat(WindowsPlanner.tokenToCreate(plan)).contains(token);
    assertThatThrownBy(() -> WindowsPlanner.containerCapabilities(plan))
        .isInstanceOf(IllegalStateException.class);

    plan.appContainer(new AppContainerSpec("p", List.of(Sid.CAPABILITY_INTERNET_CLIENT), false));
    assertThat(WindowsPlanner.tokenToCreate(plan)).contains(WindowsPlanner.forAppContainer(token));
    assertThat(WindowsPlanner.containerCapabilities(plan))
        .containsExactly(Sid.CAPABILITY_INTERNET_CLIENT, plan.runSid());
    Sid tmp = Sid.derived("tmp", "x");
    plan.privateTmp(win("C:\\local\\Temp"), tmp);
    assertThat(WindowsPlanner.containerCapabilities(plan))
        .containsExactly(Sid.CAPABILITY_INTERNET_CLIENT, plan.runSid(), tmp);
  }

  @Test
  void theExecutableDirectoryMustBeReadableOnceAndTheProfileFollowsThePlanWorkspace() {
    WindowsLaunchPlan plan = new WindowsLaunchPlan();
    plan.requireReadable(win("C:\\tools"));
    assertThat(WindowsPlanner.mustBeReadable(plan, win("C:\\tools\\git.exe")))
        .containsExactly(win("C:\\tools"));
    assertThat(WindowsPlanner.mustBeReadable(plan, win("C:\\bin\\cmd.exe")))
        .containsExactly(win("C:\\tools"), win("C:\\bin"));
    assertThat(WindowsPlanner.profileWorkspace(plan, policy())).isEqualTo(WS);
    plan.addWorkspaceGrants(win("C:\\other"), List.of());
    assertThat(WindowsPlanner.profileWorkspace(plan, policy())).isEqualTo(win("C:\\other"));
  }
}
