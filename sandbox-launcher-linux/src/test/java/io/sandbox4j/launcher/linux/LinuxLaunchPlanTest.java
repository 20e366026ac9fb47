package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.LandlockRules.PathRule;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** How the parts isolators add combine into what the launcher applies. */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "builds Linux launch plans from Linux absolute paths (/usr, /proc), which have no drive on Windows")
class LinuxLaunchPlanTest {
  static final long ALL = 0xFFFF;
  static final long RX = 0x1 | 0x4 | 0x8;
  static final long SCOPE_SIGNAL = 2;

  static LandlockRules filesystemPart(PathRule... rules) {
    return new LandlockRules(ALL, 0, 0, List.of(rules), List.of());
  }

  @Test
  void noLandlockPartMeansNoRuleset() {
    assertThat(new LinuxLaunchPlan().landlock()).isEmpty();
  }

  @Test
  void partsAreMergedIntoOneRulesetInWhicheverOrderTheyCome() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addLandlock(new LandlockRules(0, 0, SCOPE_SIGNAL, List.of(), List.of()));
    plan.addLandlock(
        filesystemPart(
            new PathRule(Path.of("/usr"), RX, true), new PathRule(Path.of("/w"), ALL, false)));
    LandlockRules rules = plan.landlock().orElseThrow();
    assertThat(rules.handledAccessFs()).isEqualTo(ALL);
    assertThat(rules.scoped()).isEqualTo(SCOPE_SIGNAL);
    assertThat(rules.pathRules())
        .containsExactly(
            new PathRule(Path.of("/usr"), RX, true), new PathRule(Path.of("/w"), ALL, false));
  }

  @Test
  void aPrivateTmpfsGetsEveryHandledRightWhenEverItIsAdded() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addLandlock(filesystemPart(new PathRule(Path.of("/tmp"), RX, true)));
    // the namespaces isolator adds its private tmpfs after Landlock contributed
    plan.addMount(Mount.of(MountKind.TMPFS, Path.of("/tmp")));
    plan.addMount(Mount.optional(MountKind.MASK, Path.of("/home/u/.ssh")));
    assertThat(plan.landlock().orElseThrow().pathRules())
        .containsExactly(new PathRule(Path.of("/tmp"), ALL, false));
  }

  @Test
  void aScopeOnlyRulesetGrantsNothingOnTmpfsMounts() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addMount(Mount.of(MountKind.TMPFS, Path.of("/tmp")));
    plan.addLandlock(new LandlockRules(0, 0, SCOPE_SIGNAL, List.of(), List.of()));
    assertThat(plan.landlock().orElseThrow().pathRules()).isEmpty();
  }

  @Test
  void aSecondPartHandlingFilesystemRightsIsRefused() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addLandlock(new LandlockRules(1, 0, 0, List.of(), List.of()));
    assertThatThrownBy(() -> plan.addLandlock(filesystemPart()))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("already carries a Landlock ruleset");
    assertThat(plan.landlock().orElseThrow().handledAccessFs()).isEqualTo(1);
  }

  @Test
  void theReadOnlyHostViewMakesTheTreeReadOnlyFirstAndWritableRootsWritableAgain() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addMount(Mount.of(MountKind.PIN, Path.of("/work/ws")));
    plan.addMount(Mount.of(MountKind.PROC, Path.of("/proc")));
    plan.readOnlyHostView(List.of(Path.of("/work/ws"), Path.of("/tmp/ws")));
    assertThat(plan.namespaces()).contains(Namespace.USER, Namespace.MOUNT);
    assertThat(plan.mounts())
        .as("read-only tree first, the pin of a writable root replaced by its writable bind")
        .containsExactly(
            Mount.of(MountKind.READ_ONLY_TREE, Path.of("/")),
            Mount.of(MountKind.PROC, Path.of("/proc")),
            Mount.of(MountKind.WRITABLE_BIND, Path.of("/work/ws")),
            Mount.of(MountKind.WRITABLE_BIND, Path.of("/tmp/ws")));
  }

  @Test
  void aReadOnlyBindOfAWritableRootComesAfterItsWritableBind() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    // a write-denied workspace: the last mount at its path decides, and read-only must win
    plan.addMount(Mount.of(MountKind.READ_ONLY_BIND, Path.of("/work/ws")));
    plan.addMount(Mount.of(MountKind.MASK, Path.of("/work/ws")));
    plan.readOnlyHostView(List.of(Path.of("/work/ws")));
    assertThat(plan.mounts())
        .containsExactly(
            Mount.of(MountKind.READ_ONLY_TREE, Path.of("/")),
            Mount.of(MountKind.WRITABLE_BIND, Path.of("/work/ws")),
            Mount.of(MountKind.READ_ONLY_BIND, Path.of("/work/ws")),
            Mount.of(MountKind.MASK, Path.of("/work/ws")));
  }

  @Test
  void theReadOnlyHostViewLeavesRootsBeneathAPrivateTmpfsToIt() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.readOnlyHostView(List.of(Path.of("/work/ws"), Path.of("/tmp/ws")));
    // added after the view was asked for: the view is expanded when the plan is read
    plan.addMount(new Mount(MountKind.TMPFS, Path.of("/tmp"), false, List.of(Path.of("/tmp/ws"))));
    assertThat(plan.mounts())
        .containsExactly(
            Mount.of(MountKind.READ_ONLY_TREE, Path.of("/")),
            new Mount(MountKind.TMPFS, Path.of("/tmp"), false, List.of(Path.of("/tmp/ws"))),
            Mount.of(MountKind.WRITABLE_BIND, Path.of("/work/ws")));
  }

  @Test
  void withoutTheViewNothingIsMadeReadOnly() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addMount(Mount.of(MountKind.PIN, Path.of("/work/ws")));
    assertThat(plan.mounts()).containsExactly(Mount.of(MountKind.PIN, Path.of("/work/ws")));
  }

  @Test
  void anIdenticalSeccompProgramIsAddedOnce() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    byte[] allow = {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f};
    byte[] errno = {6, 0, 0, 0, 1, 0, 5, 0};
    plan.addSeccompFilter(allow);
    plan.addSeccompFilter(errno);
    plan.addSeccompFilter(allow.clone());
    assertThat(plan.seccompFilters()).containsExactly(allow, errno);
  }

  @Test
  void publishedPortsShareTheRelaysPortsAndBoundAndAreEncodedAsMode2() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addRelay(
        new LinuxLaunchPlan.Relay(3128, Path.of("/r/p.sock"), java.util.Optional.empty()));
    plan.publish(8080);
    assertThat(plan.published()).containsExactly(8080);
    assertThatThrownBy(() -> plan.publish(3128))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("port 3128 is already relayed or published");
    assertThatThrownBy(
            () ->
                plan.addRelay(
                    new LinuxLaunchPlan.Relay(
                        8080, Path.of("/r/p.sock"), java.util.Optional.empty())))
        .hasMessage("port 8080 is already relayed or published");
    assertThatThrownBy(() -> plan.publish(0)).isInstanceOf(IllegalArgumentException.class);
    for (int p = 1; p <= LinuxLaunchPlan.MAX_RELAYS - 2; p++) {
      plan.publish(10_000 + p);
    }
    assertThatThrownBy(() -> plan.publish(20_000))
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125));
    plan.addNamespaces(Namespace.NET);
    byte[] encoded = PlanEncoder.encode(plan, null);
    // the publish record: tag 20, then u16 8080, u16 0 (no socket), u8 2
    byte[] tail = {(byte) 0x90, 0x1f, 0, 0, 2};
    assertThat(new String(encoded, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains(new String(tail, java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  @Test
  void overlayPathsThatOverlayOptionsCannotCarryAreRefused() {
    assertThatThrownBy(
            () ->
                new LinuxLaunchPlan.Overlay(
                    Path.of("/ws,lowerdir=/etc"), Path.of("/c/u"), Path.of("/c/w")))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("/ws,lowerdir=/etc");
    assertThatThrownBy(
            () -> new LinuxLaunchPlan.Overlay(Path.of("/ws"), Path.of("/c:u"), Path.of("/c/w")))
        .isInstanceOf(SandboxException.class);
  }

  @Test
  void oneOverlayPerTargetInTheOrderAdded() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    LinuxLaunchPlan.Overlay o =
        new LinuxLaunchPlan.Overlay(Path.of("/ws"), Path.of("/c/u"), Path.of("/c/w"));
    plan.addOverlay(o);
    assertThat(plan.overlays()).containsExactly(o);
    assertThatThrownBy(() -> plan.addOverlay(o)).hasMessageContaining("a second overlay on /ws");
  }
}
