package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.List;

/** The seccomp backend: BPF programs generated in Java, installed by the native launcher. */
final class SeccompBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  SeccompBackend(LinuxHost host) {
    this(host, System.getProperty("os.arch", ""));
  }

  SeccompBackend(LinuxHost host, String osArch) {
    SeccompHost shared = new SeccompHost(host, osArch);
    this.isolators =
        List.of(new SeccompProcessIsolator(shared), new SeccompNetworkIsolator(shared));
  }

  @Override
  public String id() {
    return "seccomp";
  }

  @Override
  public String description() {
    return "seccomp-bpf filter generated in Java (no sockets under --net none, no dangerous kernel"
        + " surface)";
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  /**
   * Early (before Landlock at 50 and namespaces): automatic selection picks isolators per feature,
   * so the hardening program is only installed when this backend's process isolator is chosen for
   * PROC_NEW_SESSION. The cost is that under --net none its network isolator (no sockets at all,
   * unix included) wins over a network namespace with a working loopback.
   */
  @Override
  public int priority() {
    return 40;
  }
}
