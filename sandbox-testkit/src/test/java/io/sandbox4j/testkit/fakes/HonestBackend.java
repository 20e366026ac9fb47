package io.sandbox4j.testkit.fakes;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractLauncher;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.SandboxProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An honest fake: enforces what it declares with util-linux wrappers ({@code setsid}, {@code
 * prlimit}, {@code unshare}, {@code setpriv}), so the testkit can show that its scenarios pass
 * against a backend that does what it says. The namespace and privilege isolators need root
 * (unshare of pid and network namespaces); elsewhere they are unavailable and say so.
 */
public final class HonestBackend implements SandboxBackend {
  public static final String ID = "fake-honest";
  private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path UNSHARE = Path.of("/usr/bin/unshare");
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "util-linux setsid, prlimit, unshare and setpriv (test fake)";
  }

  @Override
  public List<Isolator> isolators() {
    return List.of(new Limits(), new Session(), new Namespaces(), new Privileges());
  }

  static Availability tools() {
    return Files.isExecutable(PRLIMIT) && Files.isExecutable(SETSID)
        ? Availability.available("prlimit and setsid")
        : Availability.unavailable("requires util-linux prlimit and setsid in /usr/bin");
  }

  static Availability asRoot() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Availability.unavailable(
          "this test fake unshares pid and network namespaces as root only");
    }
    return Files.isExecutable(UNSHARE) && Files.isExecutable(SETPRIV)
        ? Availability.available("unshare and setpriv")
        : Availability.unavailable("requires util-linux unshare and setpriv in /usr/bin");
  }

  /** The launch extension: wrapper programs the launcher puts before the command, in order. */
  static final class Wrapper {
    private final java.util.TreeMap<Integer, List<String>> parts = new java.util.TreeMap<>();

    void add(int order, List<String> words) {
      parts.put(order, List.copyOf(words));
    }

    List<String> prefix() {
      List<String> all = new ArrayList<>();
      parts.values().forEach(all::addAll);
      return all;
    }
  }

  static final class Namespaces implements Isolator {
    @Override
    public String id() {
      return "namespaces";
    }

    @Override
    public Aspect aspect() {
      return Aspect.PROCESS;
    }

    @Override
    public Set<Feature> features() {
      return Set.of(Feature.PROC_TREE_KILL, Feature.PROC_ISOLATION, Feature.NET_DENY_ALL);
    }

    @Override
    public Availability probe() {
      return asRoot();
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      List<String> words =
          new ArrayList<>(
              List.of(
                  UNSHARE.toString(), "--pid", "--fork", "--kill-child", "--mount-proc", "--ipc"));
      if (policy.network().mode() == io.sandbox4j.api.NetworkMode.NONE) {
        words.add("--net");
      }
      words.add("--");
      // The command must not be the namespace's init: init ignores signals it has no handler for,
      // so 'kill -TERM $$' would do nothing. A shell that does not exec its last command is init.
      words.addAll(List.of("/bin/sh", "-c", "\"$@\"; exit $?", "sbx4j-init"));
      spec.extension(Wrapper.class, Wrapper::new).add(3, words);
    }
  }

  static final class Privileges implements Isolator {
    @Override
    public String id() {
      return "privileges";
    }

    @Override
    public Aspect aspect() {
      return Aspect.PROCESS;
    }

    @Override
    public Set<Feature> features() {
      return Set.of(Feature.PROC_NO_PRIVILEGES);
    }

    @Override
    public Availability probe() {
      return asRoot();
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      spec.extension(Wrapper.class, Wrapper::new)
          .add(
              4,
              List.of(
                  SETPRIV.toString(),
                  "--no-new-privs",
                  "--inh-caps=-all",
                  "--ambient-caps=-all",
                  "--bounding-set=-all",
                  "--"));
    }
  }

  static final class Limits implements Isolator {
    @Override
    public String id() {
      return "limits";
    }

    @Override
    public Aspect aspect() {
      return Aspect.RESOURCE;
    }

    @Override
    public Set<Feature> features() {
      return Set.of(Feature.RES_FILE_SIZE, Feature.RES_OPEN_FILES, Feature.RES_CPU_TIME);
    }

    @Override
    public Availability probe() {
      return tools();
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      Wrapper w = spec.extension(Wrapper.class, Wrapper::new);
      var r = policy.resources();
      List<String> args = new ArrayList<>();
      r.maxFileSizeBytes().ifPresent(v -> args.add("--fsize=" + v));
      r.maxOpenFiles().ifPresent(v -> args.add("--nofile=" + v));
      r.cpuTime().ifPresent(d -> args.add("--cpu=" + Math.max(1, (d.toMillis() + 999) / 1000)));
      if (!args.isEmpty()) {
        List<String> words = new ArrayList<>();
        words.add(PRLIMIT.toString());
        words.addAll(args);
        words.add("--");
        w.add(1, words);
      }
    }
  }

  static final class Session implements Isolator {
    @Override
    public String id() {
      return "session";
    }

    @Override
    public Aspect aspect() {
      return Aspect.PROCESS;
    }

    @Override
    public Set<Feature> features() {
      return Set.of(Feature.PROC_NEW_SESSION);
    }

    @Override
    public Availability probe() {
      return tools();
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
      spec.extension(Wrapper.class, Wrapper::new).add(0, List.of(SETSID.toString(), "--wait"));
    }
  }

  /** Starts the command behind the wrapper prefix. */
  public static final class WrapperLauncher extends AbstractLauncher {
    public WrapperLauncher() {
      super("fake-wrapper", Set.of(Wrapper.class));
    }

    @Override
    public Availability probe() {
      return tools();
    }

    @Override
    public SandboxProcess launch(LaunchSpec spec) throws IOException {
      List<String> cmd = new ArrayList<>();
      spec.findExtension(Wrapper.class).ifPresent(w -> cmd.addAll(w.prefix()));
      cmd.addAll(spec.command());
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.directory(spec.workingDirectory().toFile());
      pb.environment().clear();
      pb.environment().putAll(spec.environment());
      spec.redirects().applyTo(pb);
      Process p = pb.start();
      return new SandboxProcess() {
        @Override
        public long pid() {
          return p.pid();
        }

        @Override
        public OutputStream stdin() {
          return p.getOutputStream();
        }

        @Override
        public InputStream stdout() {
          return p.getInputStream();
        }

        @Override
        public InputStream stderr() {
          return p.getErrorStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
          return p.waitFor();
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
          return p.waitFor(timeout, unit);
        }

        @Override
        public boolean isAlive() {
          return p.isAlive();
        }

        @Override
        public void killTree() {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      };
    }
  }

  /** Provides the fake and its launcher. */
  public static final class Provider implements BackendProvider {
    @Override
    public List<SandboxBackend> backends(BackendContext context) {
      return List.of(new HonestBackend());
    }

    @Override
    public List<Launcher> launchers(BackendContext context) {
      return List.of(new WrapperLauncher());
    }
  }
}
