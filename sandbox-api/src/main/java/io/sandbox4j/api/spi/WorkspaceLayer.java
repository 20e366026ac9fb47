package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The copy-on-write layer of an ephemeral run (issue 14), prepared by the engine before isolators
 * contribute and put in the {@link LaunchSpec} as an extension: the isolator that owns {@link
 * io.sandbox4j.api.Feature#FS_EPHEMERAL} turns it into its platform's plan (on Linux an overlay
 * mount on the workspace). The engine applies nothing of it itself; launchers need not understand
 * it.
 *
 * @param workspace the real workspace: the lower layer, and where the layered view is mounted
 * @param upper where the command's writes land (empty at first, or an earlier run's layer)
 * @param work the overlay's work directory, on the same filesystem as {@code upper}
 * @param store the directory holding every change set: hidden from the command, so it cannot edit
 *     its own layer's record
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record WorkspaceLayer(Path workspace, Path upper, Path work, Path store) {
  public WorkspaceLayer {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(upper, "upper");
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(store, "store");
  }
}
