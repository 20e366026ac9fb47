package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * One FWPM_FILTER0 added in the run's dynamic WFP session.
 *
 * @param layer the ALE layer
 * @param action block or permit (FWP_ACTION_BLOCK / FWP_ACTION_PERMIT)
 * @param weight FWP_UINT8 weight inside the sandbox sublayer: permits outweigh the default block
 * @param conditions ANDed conditions; the first is always the package condition, so that a filter
 *     never matches anything but the sandboxed container
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record WfpFilter(WfpLayer layer, Action action, int weight, List<WfpCondition> conditions) {

  /** Filter action. */
  public enum Action {
    BLOCK(Win32Constants.FWP_ACTION_BLOCK),
    PERMIT(Win32Constants.FWP_ACTION_PERMIT);

    private final int code;

    Action(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public WfpFilter {
    conditions = List.copyOf(conditions);
    if (conditions.isEmpty() || conditions.get(0).field() != WfpCondition.Field.PACKAGE_ID) {
      throw new IllegalArgumentException(
          "a sandbox WFP filter must be keyed by the package SID first, got " + conditions);
    }
    if (weight < 0 || weight > 15) {
      throw new IllegalArgumentException("filter weight " + weight + " is not in 0..15");
    }
    for (WfpCondition c : conditions) {
      if (!c.fits(layer)) {
        throw new IllegalArgumentException(
            "condition " + c + " does not fit layer " + layer + " (address family mismatch)");
      }
    }
  }
}
