package io.sandbox4j.cli.engine;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.cli.CliContext;
import io.sandbox4j.core.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code sandbox engine start|status|stop}: the warm engine that serves {@code sandbox run}. */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    subcommands = {EngineCommand.Start.class, EngineCommand.Status.class, EngineCommand.Stop.class},
    description = {
      "The warm engine: a JVM per user and installation that serves `sandbox run` through the",
      "native client (docs/engine.md)."
    })
public final class EngineCommand {
  @Option(
      names = "--script",
      paramLabel = "PATH",
      scope = ScopeType.INHERIT,
      description =
          "The real path of the `sandbox` script (the script passes it); it names the engine.")
  String script;

  @Spec CommandSpec spec;

  private final CliContext context;

  public EngineCommand(CliContext context) {
    this.context = context;
  }

  EngineLocation location() {
    String s = script;
    if (s == null) {
      // the script beside the build: <root>/sandbox-cli/target/sandbox-cli.jar
      Path jar = Path.of(System.getProperty("java.class.path").split(":")[0]).toAbsolutePath();
      s = jar.getParent().getParent().getParent().resolve("sandbox").toString();
    }
    return EngineLocation.of(context.environment(), s);
  }

  /** {@code engine start}. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Starts the engine (in the background unless --foreground).")
  static final class Start implements Callable<Integer> {
    @ParentCommand EngineCommand engine;

    @Spec CommandSpec spec;

    @Option(names = "--detach", description = "Start it in the background (the default).")
    boolean detach;

    @Option(names = "--foreground", description = "Serve in this process until stopped or idle.")
    boolean foreground;

    @Option(
        names = "--idle",
        paramLabel = "SECONDS",
        description = "Exit after this long without a run (default 900; 0: never).")
    long idle = 900;

    @Override
    public Integer call() throws Exception {
      if (idle < 0) {
        throw SandboxException.invalid("--idle: " + idle + " is negative");
      }
      if (detach && foreground) {
        throw SandboxException.invalid("--detach and --foreground exclude each other");
      }
      PrintWriter err = spec.commandLine().getErr();
      EngineLocation location = engine.location();
      location.prepare();
      if (!foreground) {
        if (EngineClient.status(location).isPresent()) {
          err.println(
              "sandbox: an engine already runs for this installation (" + location.socket() + ")");
          return 0;
        }
        return detach(location, err);
      }
      EngineServer server =
          new EngineServer(
              location,
              Duration.ofSeconds(idle),
              new RequestChecks(System.getenv(), installation(engine.script)),
              Sandbox::create);
      if (!server.open()) {
        err.println(
            "sandbox: an engine already runs for this installation (lock " + location.lock() + ")");
        return 0;
      }
      err.flush();
      server.serve();
      return 0;
    }

    private int detach(EngineLocation location, PrintWriter err) throws IOException {
      List<String> argv = new ArrayList<>();
      Path setsid = Path.of("/usr/bin/setsid");
      if (Files.isExecutable(setsid)) {
        argv.add(setsid.toString()); // a session of its own: no terminal's signals reach it
      }
      argv.add(ProcessHandle.current().info().command().orElse("java"));
      // a long-lived server: C2 on (no TieredStopAtLevel, unlike ./sandbox's short-lived CLI), a
      // heap sized for a run at a time rather than a share of the machine's memory
      argv.addAll(
          List.of(
              "-XX:+UseSerialGC",
              "-Xms128m",
              "-Xmx512m",
              "-XX:-UsePerfData",
              "-Dguice_bytecode_gen_option=DISABLED",
              "-Djdk.lang.Process.launchMechanism=VFORK",
              "-cp",
              absoluteClassPath(),
              "io.sandbox4j.cli.Main",
              "engine"));
      if (engine.script != null) {
        argv.addAll(List.of("--script", engine.script));
      }
      argv.addAll(List.of("start", "--foreground", "--idle", Long.toString(idle)));
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().remove("SANDBOX4J_ENGINE");
      // paths and arguments travel as UTF-8 whatever the caller's locale (as ./sandbox does)
      pb.environment().put("LC_ALL", "C.UTF-8");
      pb.directory(Path.of("/").toFile());
      pb.redirectInput(Redirect.from(Path.of("/dev/null").toFile()));
      pb.redirectOutput(Redirect.DISCARD);
      // what the JVM and the backends' loggers print lands in the engine's log
      EngineServer.createPrivateFile(location.log());
      pb.redirectError(Redirect.appendTo(location.log().toFile()));
      Process p = pb.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        Optional<String> status = EngineClient.status(location);
        if (status.isPresent()) {
          err.println("sandbox: the engine runs (" + location.socket() + ")");
          return 0;
        }
        if (!p.isAlive() && p.exitValue() != 0) {
          break;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      err.println("sandbox: the engine did not start; see " + location.log());
      return SandboxException.EXIT_CANNOT_SANDBOX;
    }
  }

  /** This JVM's class path with absolute entries (the engine runs in {@code /}). */
  static String absoluteClassPath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(":")) {
      if (!entry.isEmpty()) {
        entries.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return String.join(":", entries);
  }

  /**
   * What a running engine must notice changing: the script and every class path entry (for a jar,
   * the {@code lib} directory beside it, which its manifest names).
   */
  static List<Path> installation(String script) {
    List<Path> files = new ArrayList<>();
    if (script != null) {
      files.add(Path.of(script));
    }
    for (String entry : System.getProperty("java.class.path").split(":")) {
      if (entry.isEmpty()) {
        continue;
      }
      Path p = Path.of(entry).toAbsolutePath();
      files.add(p);
      if (entry.endsWith(".jar") && p.getParent() != null) {
        Path lib = p.getParent().resolve("lib");
        if (Files.isDirectory(lib) && !files.contains(lib)) {
          files.add(lib);
        }
      }
    }
    return files;
  }

  /** STATUS or STOP over the socket: what the engine says, and its exit code. */
  abstract static class Ask implements Callable<Integer> {
    @ParentCommand EngineCommand engine;

    @Spec CommandSpec spec;

    private final int type;
    private final String none;
    private final int noneCode;

    Ask(int type, String none, int noneCode) {
      this.type = type;
      this.none = none;
      this.noneCode = noneCode;
    }

    @Override
    public Integer call() {
      EngineLocation location = engine.location();
      Optional<EngineClient.Reply> reply = EngineClient.call(location, type);
      if (reply.isEmpty()) {
        spec.commandLine().getErr().println("sandbox: " + none + " (" + location.socket() + ")");
        return noneCode;
      }
      // status is the answer (standard output), stop a message (standard error)
      PrintWriter w =
          type == Frames.STATUS ? spec.commandLine().getOut() : spec.commandLine().getErr();
      w.print(reply.get().text());
      w.flush();
      return reply.get().code();
    }
  }

  /** {@code engine status}: exit 1 when no engine runs. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Prints the engine's pid, uptime, runs served, idle time left and socket.")
  static final class Status extends Ask {
    Status() {
      super(Frames.STATUS, "no engine runs", 1);
    }
  }

  /** {@code engine stop}: exit 0 also when none ran. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stops the engine: no new runs; running ones are waited for (at most 30 s).")
  static final class Stop extends Ask {
    Stop() {
      super(Frames.STOP, "no engine was running", 0);
    }
  }

  /** The Java side of STATUS and STOP (the native client never sends them). */
  static final class EngineClient {
    private EngineClient() {}

    record Reply(String text, int code) {}

    static Optional<String> status(EngineLocation location) {
      return call(location, Frames.STATUS).filter(r -> r.code() == 0).map(Reply::text);
    }

    /** Sends one STATUS or STOP frame; empty when no engine answers. */
    static Optional<Reply> call(EngineLocation location, int type) {
      if (EngineLocation.problem(location.directory()) != null
          || !Files.exists(location.socket())) {
        return Optional.empty();
      }
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(location.socket()));
        OutputStream out = Channels.newOutputStream(ch);
        InputStream in = Channels.newInputStream(ch);
        Frames.write(out, type, new byte[0]);
        StringBuilder text = new StringBuilder();
        while (true) {
          Frames.Frame f = Frames.read(in);
          if (f == null) {
            return Optional.empty();
          }
          Frames.Reader r = f.reader();
          if (f.type() == Frames.WRITE) {
            r.u8();
            text.append(new String(r.bytes(), StandardCharsets.UTF_8));
          } else if (f.type() == Frames.EXIT) {
            return Optional.of(new Reply(text.toString(), r.i32()));
          } else {
            return Optional.empty();
          }
        }
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }
}
