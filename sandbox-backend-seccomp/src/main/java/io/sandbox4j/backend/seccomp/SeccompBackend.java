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
    this.isolators =
        List.of(new SeccompProcessIsolator(host, osArch), new SeccompNetworkIsolator(host, osArch));
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
   * After the namespaces backend (30), before Landlock (50). Automatic selection gives each feature
   * to the first available isolator that declares it, so under --net none a network namespace with
   * a working loopback wins over this backend's network isolator (no sockets at all, unix
   * included), and the hardening program is installed when this backend's process isolator owns
   * PROC_NEW_SESSION (where the kernel still allows TIOCSTI, nothing else declares it).
   */
  @Override
  public int priority() {
    return 40;
  }
}
