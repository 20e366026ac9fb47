package io.sandbox4j.launcher.windows;

import io.sandbox4j.api.SandboxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which network filter set each workspace AppContainer runs under, for the runs of this JVM.
 *
 * <p>WFP filters match the AppContainer package SID, and the container is per workspace (its SID is
 * what the one-time ACL grants and an administrator's loopback exemption name), so two concurrent
 * runs in one workspace are matched by each other's filters; a block in any sublayer beats a permit
 * in another, so their allow-lists would intersect (one run's block also hits a concurrent run with
 * network mode {@code all}). Keying filters per run would need a per-run container: a profile
 * created and deleted per command, grants through a capability instead of the container SID, and no
 * per-profile loopback exemption; see the wfp backend's README. Instead a run whose filter set
 * differs from one already running for the same container is refused up front with the reason,
 * rather than silently over-blocked. Runs with identical filter sets share the container safely
 * (every sublayer permits the same destinations).
 *
 * <p>State shared by the runs of the whole JVM (the filters are system-wide); concurrent runs from
 * another process are not seen here: they over-block, never leak.
 */
final class WfpContainerClaims {
  /** The claims of every launch in this JVM. */
  static final WfpContainerClaims JVM = new WfpContainerClaims();

  private record Claim(List<WfpFilter> filters, int runs) {}

  private final Map<String, Claim> claims = new HashMap<>();

  /**
   * Claims {@code profile} for a run under {@code filters} (empty for an unfiltered run with a
   * network capability); the returned release ends the claim.
   *
   * @throws SandboxException (exit 125) when a run of this JVM uses the container under other
   *     filters
   */
  synchronized Runnable claim(String profile, List<WfpFilter> filters) {
    Claim c = claims.get(profile);
    if (c != null && !c.filters().equals(filters)) {
      throw SandboxException.cannotSandbox(
          "another run in this workspace uses its AppContainer ("
              + profile
              + ") under a different network policy; WFP filters match the container, so the two"
              + " runs would block each other's traffic: run them one after the other, or in"
              + " separate workspaces");
    }
    claims.put(profile, new Claim(List.copyOf(filters), c == null ? 1 : c.runs() + 1));
    boolean[] released = {false};
    return () -> release(profile, released);
  }

  private synchronized void release(String profile, boolean[] released) {
    if (released[0]) {
      return;
    }
    released[0] = true;
    Claim c = claims.get(profile);
    if (c.runs() == 1) {
      claims.remove(profile);
    } else {
      claims.put(profile, new Claim(c.filters(), c.runs() - 1));
    }
  }

  /**
   * Whether a plan's run needs a claim: it has filters, or a network capability (its traffic would
   * be matched by another run's filters). A run with neither reaches no network anyway.
   */
  static boolean needsClaim(WindowsLaunchPlan plan) {
    return plan.appContainer().isPresent()
        && (!plan.wfpFilters().isEmpty() || plan.appContainer().get().hasNetworkCapability());
  }
}
