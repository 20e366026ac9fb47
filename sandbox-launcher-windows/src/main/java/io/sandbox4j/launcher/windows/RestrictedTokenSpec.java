package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * The CreateRestrictedToken parameters for a run: a restricted copy of the caller's own primary
 * token (which an ordinary user may pass to CreateProcessAsUserW without special privileges).
 *
 * @param flags CreateRestrictedToken flags (DISABLE_MAX_PRIVILEGE, WRITE_RESTRICTED, ...)
 * @param denyOnlySids groups made deny-only (SidsToDisable) when the caller's token has them
 * @param restrictingSids the restricting SIDs: with WRITE_RESTRICTED every write must also be
 *     granted to one of these
 * @param integrityLevel the mandatory label set with SetTokenInformation(TokenIntegrityLevel)
 * @param defaultDaclGrantees SIDs granted GENERIC_ALL in the token's default DACL, besides the
 *     caller's user SID and SYSTEM, so that the restricted process can open the objects it creates
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RestrictedTokenSpec(
    int flags,
    List<Sid> denyOnlySids,
    List<Sid> restrictingSids,
    Sid integrityLevel,
    List<Sid> defaultDaclGrantees) {

  public RestrictedTokenSpec {
    denyOnlySids = List.copyOf(denyOnlySids);
    restrictingSids = List.copyOf(restrictingSids);
    defaultDaclGrantees = List.copyOf(defaultDaclGrantees);
    if ((flags & Win32Constants.DISABLE_MAX_PRIVILEGE) == 0) {
      throw new IllegalArgumentException(
          "a sandbox token must drop every privilege: DISABLE_MAX_PRIVILEGE is missing from flags 0x"
              + Integer.toHexString(flags));
    }
    if (integrityLevel == null) {
      throw new IllegalArgumentException("a sandbox token needs an integrity level");
    }
  }
}
