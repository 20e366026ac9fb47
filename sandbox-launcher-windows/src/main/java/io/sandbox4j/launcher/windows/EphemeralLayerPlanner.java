package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.nio.file.Path;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Plans an ephemeral workspace on Windows (issue 14), on paper only: nothing executes it yet, so no
 * Windows isolator declares {@code FS_EPHEMERAL} and the engine refuses {@code --ephemeral} there
 * (exit 125). See the module README, "Ephemeral workspaces (design)".
 *
 * <p>An AppContainer cannot mount anything: the copy-on-write view must be a real directory it is
 * granted. Two ways give one without copying the data: a block clone of the workspace on a volume
 * that shares blocks (ReFS, a Dev Drive: {@code FSCTL_DUPLICATE_EXTENTS_TO_FILE}, each file's
 * extents shared until written), or a Projected File System root whose provider (the engine)
 * projects the real tree and which records what the command wrote and deleted. The command then
 * runs in the layer directory; the change set is read from it (clone: compared with the real tree;
 * ProjFS: full files and tombstones).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class EphemeralLayerPlanner {
  private EphemeralLayerPlanner() {}

  /** How the layer is made. */
  public enum Strategy {
    /** Directories recreated, each file a block clone (cost: one call per entry, no data). */
    BLOCK_CLONE,
    /**
     * A ProjFS virtualization root over the real tree (cost: a provider callback per first use).
     */
    PROJECTED
  }

  /** What the host offers, as a probe would report it. */
  public record HostFacts(
      boolean workspaceVolumeSharesBlocks,
      boolean changeSetOnSameVolume,
      boolean projectedFileSystemEnabled) {}

  /**
   * The plan: where the command works, what the AppContainer is granted (the layer only: the real
   * workspace stays read-only for it), and the strategy.
   */
  public record Plan(Strategy strategy, Path layer, List<AccessGrant> grants) {}

  /**
   * Chooses a strategy for {@code workspace} with the layer at {@code changeSet\layer}.
   *
   * @throws SandboxException exit 125 naming what is missing when neither way is available; exit 2
   *     when the change set lies inside the workspace or the reverse
   */
  public static Plan plan(Path workspace, Path changeSet, Sid container, HostFacts host) {
    Path layer = changeSet.resolve("layer");
    Strategy s;
    if (host.workspaceVolumeSharesBlocks() && host.changeSetOnSameVolume()) {
      s = Strategy.BLOCK_CLONE;
    } else if (host.projectedFileSystemEnabled()) {
      s = Strategy.PROJECTED;
    } else {
      throw SandboxException.cannotSandbox(
          "an ephemeral workspace needs "
              + workspace
              + " on a volume that shares blocks (ReFS or a Dev Drive) with the change sets under"
              + " the same volume, or the Projected File System (Enable-WindowsOptionalFeature"
              + " -Online -FeatureName Client-ProjFS); this host has neither");
    }
    if (layer.startsWith(workspace) || workspace.startsWith(changeSet)) {
      throw SandboxException.invalid(
          "the change set " + changeSet + " and the workspace " + workspace + " must not nest");
    }
    return new Plan(
        s,
        layer,
        List.of(
            new AccessGrant(layer, container, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true),
            // the real tree is the lower layer: readable, never written by the command
            new AccessGrant(
                workspace, container, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES, true)));
  }
}
