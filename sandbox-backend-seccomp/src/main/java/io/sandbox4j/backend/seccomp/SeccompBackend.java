package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.List;

/**
 * The seccomp backend: BPF programs generated in Java, installed by the native launcher.
 *
 * <p>Priority 40: after the namespaces backend (30), before Landlock (50). Automatic selection
 * gives each feature to the first available isolator that declares it, so under --net none a
 * network namespace with a working loopback wins over this backend's network isolator (no sockets
 * at all, unix included), and the hardening program is installed when this backend's process
 * isolator owns PROC_NEW_SESSION (where the kernel still allows TIOCSTI, nothing else declares it).
 */
final class SeccompBackend extends AbstractBackend {

  SeccompBackend(LinuxHost host) {
    this(host, System.getProperty("os.arch", ""));
  }

  SeccompBackend(LinuxHost host, String osArch) {
    super(
        "seccomp",
        "seccomp-bpf filter generated in Java (no sockets under --net none, no dangerous kernel"
            + " surface)",
        40,
        List.of(SeccompIsolator.process(host, osArch), SeccompIsolator.network(host, osArch)));
  }
}
