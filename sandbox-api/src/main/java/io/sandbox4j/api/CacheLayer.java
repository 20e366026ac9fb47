package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * A writable root that is copy-on-write (issue 13, toolchain caches): the command sees {@code
 * cache} (the host's, the lower layer) with the files earlier runs wrote on top, and its writes
 * land in {@code directory/upper}, never in {@code cache}. So nothing the command writes there can
 * become something the host's tools later run (a planted jar in ~/.m2/repository, a Gradle init
 * script, a go module). The layer persists across runs; it must lie outside every writable root,
 * and it is hidden from the command.
 *
 * @param cache the host directory, which must also be a writable root of the policy
 * @param directory the layer's own directory ({@code upper} and {@code work} beneath it)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record CacheLayer(Path cache, Path directory) {
  public CacheLayer {
    cache = FilesystemPolicy.Paths.absolute("cache layer", cache);
    directory = FilesystemPolicy.Paths.absolute("cache layer directory", directory);
  }

  /** Where the command's writes land. */
  public Path upper() {
    return directory.resolve("upper");
  }

  /** The overlay's work directory, on the same filesystem as {@link #upper()}. */
  public Path work() {
    return directory.resolve("work");
  }
}
