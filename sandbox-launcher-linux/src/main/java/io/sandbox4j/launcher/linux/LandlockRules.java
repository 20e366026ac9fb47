package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A Landlock ruleset as the launcher applies it: landlock_create_ruleset with the handled masks,
 * one landlock_add_rule per path (opened O_PATH by the launcher) and per port, then
 * landlock_restrict_self. Access bits are the kernel's LANDLOCK_ACCESS_* values.
 *
 * @param handledAccessFs LANDLOCK_ACCESS_FS_* bits handled (denied unless a rule allows them)
 * @param handledAccessNet LANDLOCK_ACCESS_NET_* bits handled (0 when none)
 * @param scoped LANDLOCK_SCOPE_* bits (0 when none)
 * @param pathRules allowed access beneath each path; a path missing at apply time is an error
 *     unless its rule is marked optional
 * @param portRules allowed TCP port access
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record LandlockRules(
    long handledAccessFs,
    long handledAccessNet,
    long scoped,
    List<PathRule> pathRules,
    List<PortRule> portRules) {

  public LandlockRules {
    pathRules = List.copyOf(pathRules);
    portRules = List.copyOf(portRules);
  }

  /** Allowed access beneath one path. */
  public record PathRule(Path path, long allowedAccess, boolean optional) {}

  /** Allowed access to one TCP port. */
  public record PortRule(int port, long allowedAccess) {}
}
