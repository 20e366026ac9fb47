package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.GuardedDirectories;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A run whose command could write the extracted launcher is refused: the command could replace it
 * and a later run would exec the replacement unconfined.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class LauncherExposureTest {
  private Path scratch;
  private Path cache;
  private Path workspace;
  private NativeLauncher launcher;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue(Runs.available(), () -> Runs.LAUNCHER.probe().detail());
    scratch = Runs.scratch("cache-");
    cache = Files.createDirectories(scratch.resolve("home/.cache"));
    workspace = Files.createDirectories(scratch.resolve("ws"));
    launcher =
        new NativeLauncher(
            new LauncherBinary(Map.of("XDG_CACHE_HOME", cache.toString()), "/nonexistent"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    Runs.deleteTree(scratch);
  }

  private LaunchSpec spec(SandboxPolicy policy, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(Runs.ENV);
    env.putAll(extraEnv);
    return new LaunchSpec(
        policy, List.of("/bin/sh", "-c", "touch ran"), workspace, Map.copyOf(env));
  }

  private void assertRefused(LaunchSpec spec) {
    assertThatThrownBy(() -> launcher.launch(spec))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("XDG_CACHE_HOME")
        .hasMessageContaining("sandbox4j-launcher")
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(2));
    assertThat(workspace.resolve("ran")).as("nothing ran").doesNotExist();
  }

  @Test
  void aWritableRootContainingTheCacheIsRefused() {
    assertRefused(
        spec(
            SandboxPolicy.builder(workspace).allowWrite(scratch.resolve("home")).build(),
            Map.of()));
  }

  @Test
  void aWorkspaceContainingTheCacheIsRefused() throws Exception {
    Path ws = scratch.resolve("home");
    assertThatThrownBy(
            () ->
                launcher.launch(
                    new LaunchSpec(
                        SandboxPolicy.defaults(ws),
                        List.of("/bin/sh", "-c", "touch ran"),
                        ws,
                        Runs.ENV)))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("XDG_CACHE_HOME");
    assertThat(ws.resolve("ran")).doesNotExist();
  }

  @Test
  void aWritableRootReachingTheCacheThroughALinkIsRefused() throws Exception {
    Path link = Files.createSymbolicLink(scratch.resolve("link"), cache);
    assertRefused(spec(SandboxPolicy.builder(workspace).allowWrite(link).build(), Map.of()));
  }

  @Test
  void aPrivateTmpdirContainingTheCacheIsRefused() {
    assertRefused(spec(SandboxPolicy.defaults(workspace), Map.of("TMPDIR", cache.toString())));
  }

  @Test
  void aCacheOutsideTheWritableRootsRuns() throws Exception {
    SandboxProcess p =
        launcher.launch(
            spec(
                SandboxPolicy.builder(workspace).allowWrite(scratch.resolve("other")).build(),
                Map.of()));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.waitFor()).isZero();
    assertThat(workspace.resolve("ran")).exists();
  }

  /**
   * The checks before the launch look at the policy's roots; an isolator resolves their links
   * later, and a link put in place of a root's directory meanwhile (by another run's command) led
   * the final plan's writable bind to the launcher's cache or a guarded directory. The plan itself
   * is compared at launch (here a plan that grants what the policy does not name).
   */
  @Test
  void aPlanWhoseGrantLeadsToTheCacheOrAGuardedDirectoryIsRefused() throws Exception {
    Path store = Files.createDirectories(scratch.resolve("guarded/sandbox4j/changes"));
    for (Path reached : List.of(cache, store.getParent())) {
      Path planted = reached.resolve("planted");
      LaunchSpec spec =
          new LaunchSpec(
              SandboxPolicy.builder(workspace).build(),
              List.of("/bin/sh", "-c", "touch " + planted),
              workspace,
              Runs.ENV);
      spec.extension(GuardedDirectories.class, () -> new GuardedDirectories(List.of(store)));
      spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new)
          .readOnlyHostView(List.of(workspace, reached));
      assertThatThrownBy(() -> launcher.launch(spec))
          .isInstanceOf(SandboxException.class)
          .hasMessageContaining("the launch plan grants writing " + reached)
          .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(2));
      assertThat(planted).as("nothing ran").doesNotExist();
    }
  }

  /**
   * A run with another XDG_CACHE_HOME could write the caches' directory and leave a link in place
   * of a profile cache layer's upper directory: a later run's overlay then wrote into the directory
   * of the extracted launcher (it made the launcher writable and created files beside it).
   */
  @Test
  void anOverlayWhoseUpperLeadsToTheLaunchersDirectoryIsRefused() throws Exception {
    Path binary =
        new LauncherBinary(Map.of("XDG_CACHE_HOME", cache.toString()), "/nonexistent").require();
    Path layer = Files.createDirectories(scratch.resolve("layers/pip"));
    Path upper = Files.createSymbolicLink(layer.resolve("upper"), binary.getParent());
    Path work = Files.createDirectories(layer.resolve("work"));
    Path pip = Files.createDirectories(scratch.resolve("pip"));
    Path planted = pip.resolve("planted");
    LaunchSpec spec =
        new LaunchSpec(
            SandboxPolicy.builder(workspace).allowWrite(pip).build(),
            List.of("/bin/sh", "-c", "touch " + planted),
            workspace,
            Runs.ENV);
    spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new)
        .addOverlay(new LinuxLaunchPlan.Overlay(pip, upper, work));
    assertThatThrownBy(() -> launcher.launch(spec))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("the launch plan grants writing " + upper)
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(2));
    assertThat(binary.getParent().resolve("planted")).as("nothing ran").doesNotExist();
  }

  /**
   * A private home's tmpfs binds back what it keeps, opened by name at launch: a link flipped into
   * a writable root's place between the checks and that bind (another run's command swapping a
   * directory of the path, 6 tries of a shell loop) bound the launcher's directory there, and the
   * later checks of the writable root (Landlock, writable bind) saw only the bind under the planned
   * name and let the command write beside the launcher. Here the link is in place already.
   */
  @Test
  void aPrivateHomeKeepOfAWritableRootThatLeadsElsewhereIsRefused() throws Exception {
    Path home = Files.createDirectories(scratch.resolve("hidden-home"));
    Path elsewhere = Files.createDirectories(scratch.resolve("elsewhere"));
    Path root = home.resolve("ws");
    Files.createSymbolicLink(root, elsewhere);
    LaunchSpec spec =
        new LaunchSpec(
            SandboxPolicy.builder(workspace).build(),
            List.of("/bin/sh", "-c", "touch " + root.resolve("planted")),
            workspace,
            Runs.ENV);
    LinuxLaunchPlan plan = spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
    plan.readOnlyHostView(List.of(workspace, root));
    plan.addMount(
        new LinuxLaunchPlan.Mount(LinuxLaunchPlan.MountKind.HIDE, home, true, List.of(root)));
    SandboxProcess p = launcher.launch(spec);
    int exit = p.waitFor();
    assertThat(elsewhere.resolve("planted")).as("written through the kept link").doesNotExist();
    assertThat(exit).as("refused by the launcher").isEqualTo(125);
  }

  /**
   * The guard compared the roots with the launcher's file: a root inside its directory (a
   * subdirectory there, or a profile cache's layer an earlier run led there by a link) held
   * neither, and the command wrote beside the launcher that later runs execute.
   */
  @Test
  void aWritableRootInsideTheLaunchersDirectoryIsRefused() throws Exception {
    Path directory =
        new LauncherBinary(Map.of("XDG_CACHE_HOME", cache.toString()), "/nonexistent")
            .require()
            .getParent();
    Path inside = Files.createDirectories(directory.resolve("layer/upper"));
    LaunchSpec spec =
        new LaunchSpec(
            SandboxPolicy.builder(workspace).allowWrite(inside).build(),
            List.of("/bin/sh", "-c", "touch " + inside.resolve("planted")),
            workspace,
            Runs.ENV);
    spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new)
        .readOnlyHostView(List.of(workspace, inside));
    assertThatThrownBy(() -> launcher.launch(spec))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining(inside.toString())
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(2));
    assertThat(inside.resolve("planted")).as("nothing ran").doesNotExist();
  }
}
