package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Directories no write grant of the launch may reach (the change-set store, the engine's
 * directory): the checks before a run compare the policy's writable roots with them, and a launcher
 * compares the paths its final plan grants writing, which the isolators resolved later (a link put
 * in place of a root's directory meanwhile leads a grant elsewhere). Launchers that cannot look may
 * ignore it; the engine does not ask a launcher to understand it.
 *
 * @param directories the directories, as the caller's environment names them
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record GuardedDirectories(List<Path> directories) {
  public GuardedDirectories {
    directories = List.copyOf(directories);
  }
}
