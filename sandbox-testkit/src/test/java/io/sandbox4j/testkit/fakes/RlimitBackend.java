package io.sandbox4j.testkit.fakes;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.core.BackendModule;
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
 * An honest fake: enforces what it declares (file size, open files, CPU time, a new session) with
 * util-linux {@code prlimit} and {@code setsid}, so the testkit can show that its scenarios pass
 * against a backend that does what it says.
 */
public final class RlimitBackend implements SandboxBackend {
  public static final String ID = "fake-rlimit";
  private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "util-linux prlimit and setsid (test fake)";
  }

  @Override
  public List<Isolator> isolators() {
    return List.of(new Limits(), new Session());
  }

  static Availability tools() {
    return Files.isExecutable(PRLIMIT) && Files.isExecutable(SETSID)
        ? Availability.available("prlimit and setsid")
        : Availability.unavailable("requires util-linux prlimit and setsid in /usr/bin");
  }

  /** The launch extension: the wrapper prefix the launcher puts before the command. */
  static final class Wrapper {
    final List<String> prefix = new ArrayList<>();
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
    public void contribute(SandboxPolicy policy, LaunchSpec spec) {
      Wrapper w = spec.extension(Wrapper.class, Wrapper::new);
      var r = policy.resources();
      List<String> args = new ArrayList<>();
      r.maxFileSizeBytes().ifPresent(v -> args.add("--fsize=" + v));
      r.maxOpenFiles().ifPresent(v -> args.add("--nofile=" + v));
      r.cpuTime().ifPresent(d -> args.add("--cpu=" + Math.max(1, (d.toMillis() + 999) / 1000)));
      if (!args.isEmpty()) {
        w.prefix.add(PRLIMIT.toString());
        w.prefix.addAll(args);
        w.prefix.add("--");
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
    public void contribute(SandboxPolicy policy, LaunchSpec spec) {
      Wrapper w = spec.extension(Wrapper.class, Wrapper::new);
      w.prefix.add(0, SETSID.toString());
      w.prefix.add(1, "--wait");
    }
  }

  /** Starts the command behind the wrapper prefix. */
  public static final class WrapperLauncher implements Launcher {
    @Override
    public String id() {
      return "fake-wrapper";
    }

    @Override
    public Set<Class<?>> extensionTypes() {
      return Set.of(Wrapper.class);
    }

    @Override
    public Availability probe() {
      return tools();
    }

    @Override
    public SandboxProcess launch(LaunchSpec spec) throws IOException {
      List<String> cmd = new ArrayList<>();
      spec.findExtension(Wrapper.class).ifPresent(w -> cmd.addAll(w.prefix));
      cmd.addAll(spec.command());
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.directory(spec.workingDirectory().toFile());
      pb.environment().clear();
      pb.environment().putAll(spec.environment());
      pb.redirectInput(spec.stdin()).redirectOutput(spec.stdout()).redirectError(spec.stderr());
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

  /** Registers the fake and its launcher. */
  public static final class Module extends BackendModule {
    @Override
    protected void configure() {
      addBackend(RlimitBackend.class);
      addLauncher(WrapperLauncher.class);
    }
  }
}
