package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What a backend leaves in place between runs for a workspace (one-time ACL grants and profiles,
 * placeholders for protected paths), and how to revert it: {@code sandbox cleanup}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface WorkspaceCleanup {

  /** Short name of what is cleaned, e.g. {@code appcontainer profile and ACL grants}. */
  String description();

  /**
   * Reverts what was left for {@code workspace}. Idempotent: nothing to revert is not an error.
   *
   * @return one line per reverted item, empty when there was nothing
   * @throws io.sandbox4j.api.SandboxException (exit 125) naming what could not be reverted
   */
  List<String> cleanup(Path workspace);
}
