package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The AppContainer a run starts in: the per-workspace profile (created once with
 * CreateAppContainerProfile, reused, deleted by {@link WindowsWorkspaceSetup#cleanup}) and the
 * capability SIDs the process gets through SECURITY_CAPABILITIES.
 *
 * @param profileName the profile name (at most 64 characters of [-_. A-Za-z0-9])
 * @param capabilities capability SIDs; none means no network at all
 * @param lessPrivileged LPAC: ALL_APPLICATION_PACKAGES ACEs no longer grant access
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record AppContainerSpec(String profileName, List<Sid> capabilities, boolean lessPrivileged) {
  private static final Pattern NAME = Pattern.compile("[-_. A-Za-z0-9]{1,64}");

  public AppContainerSpec {
    if (profileName == null || !NAME.matcher(profileName).matches()) {
      throw new IllegalArgumentException(
          "AppContainer profile name '"
              + profileName
              + "' must be 1 to 64 characters of letters, digits, '-', '_', '.' and space");
    }
    capabilities = List.copyOf(capabilities);
  }

  /** Whether the container has any network capability. */
  public boolean hasNetworkCapability() {
    return capabilities.contains(Sid.CAPABILITY_INTERNET_CLIENT)
        || capabilities.contains(Sid.CAPABILITY_INTERNET_CLIENT_SERVER)
        || capabilities.contains(Sid.CAPABILITY_PRIVATE_NETWORK_CLIENT_SERVER);
  }
}
