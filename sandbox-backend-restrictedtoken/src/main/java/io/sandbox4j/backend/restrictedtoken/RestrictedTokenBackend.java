package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.launcher.windows.WindowsHost;
import java.util.List;

/**
 * A restricted, low-integrity copy of the caller's token in a job object: no privileges, no admin
 * groups, writes only where the workspace SID is granted, resource limits, a private desktop.
 * Priority 60: selected after the appcontainer backend (50).
 */
final class RestrictedTokenBackend extends AbstractBackend {

  RestrictedTokenBackend(WindowsHost host) {
    super(
        "restrictedtoken",
        "Windows restricted token + job object (write confinement, no privileges, limits)",
        60,
        List.of(
            new TokenFilesystemIsolator(host),
            new TokenProcessIsolator(host),
            new JobResourceIsolator(host)));
  }
}
