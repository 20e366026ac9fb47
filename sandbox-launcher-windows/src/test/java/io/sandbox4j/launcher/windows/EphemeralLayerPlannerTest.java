package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.windows.EphemeralLayerPlanner.HostFacts;
import io.sandbox4j.launcher.windows.EphemeralLayerPlanner.Strategy;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EphemeralLayerPlannerTest {
  private static final FileSystem WINDOWS = Jimfs.newFileSystem(Configuration.windows());
  private static final Path WS = WINDOWS.getPath("D:\\src\\project");
  private static final Path CS = WINDOWS.getPath("D:\\cache\\sandbox4j\\changes\\20261204-1");
  private static final Sid CONTAINER = new Sid("S-1-15-2-1-2-3-4-5-6-7");

  @Test
  void aBlockSharingVolumeClonesTheWorkspaceAndGrantsTheLayerOnly() {
    var plan = EphemeralLayerPlanner.plan(WS, CS, CONTAINER, new HostFacts(true, true, true));
    assertThat(plan.strategy()).isEqualTo(Strategy.BLOCK_CLONE);
    assertThat(plan.layer()).isEqualTo(CS.resolve("layer"));
    assertThat(plan.grants())
        .extracting(AccessGrant::path, AccessGrant::mode, AccessGrant::accessMask)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                CS.resolve("layer"), AccessGrant.Mode.ALLOW, AccessGrant.MODIFY),
            org.assertj.core.groups.Tuple.tuple(WS, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES));
  }

  @Test
  void withoutBlockSharingOnOneVolumeProjectedFileSystemIsUsed() {
    assertThat(
            EphemeralLayerPlanner.plan(WS, CS, CONTAINER, new HostFacts(true, false, true))
                .strategy())
        .isEqualTo(Strategy.PROJECTED);
    assertThat(
            EphemeralLayerPlanner.plan(WS, CS, CONTAINER, new HostFacts(false, true, true))
                .strategy())
        .isEqualTo(Strategy.PROJECTED);
  }

  @Test
  void neitherWayIsARefusalNamingBoth() {
    assertThatThrownBy(
            () -> EphemeralLayerPlanner.plan(WS, CS, CONTAINER, new HostFacts(false, true, false)))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("ReFS or a Dev Drive")
        .hasMessageContaining("Client-ProjFS")
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(125));
  }

  @Test
  void aChangeSetInsideTheWorkspaceIsRefused() {
    assertThatThrownBy(
            () ->
                EphemeralLayerPlanner.plan(
                    WS, WS.resolve(".cache\\x"), CONTAINER, new HostFacts(true, true, true)))
        .isInstanceOf(SandboxException.class)
        .satisfies(e -> assertThat(((SandboxException) e).exitCode()).isEqualTo(2));
  }
}
