package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * The host's view of processes, used to judge process scenarios from outside the sandbox: a process
 * is found by a unique token in its command line, whatever pid namespace it lives in.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class HostProcesses {
  private static final Path PROC = Path.of("/proc");

  private HostProcesses() {}

  /** One process as the host sees it. */
  public record HostProcess(long pid, String commandLine) {

    /** A line of {@code /proc/PID/status}, e.g. {@code CapEff}; empty when gone or on Windows. */
    public Optional<String> status(String field) {
      try {
        for (String line : Files.readAllLines(PROC.resolve(pid + "/status"))) {
          if (line.startsWith(field + ":")) {
            return Optional.of(line.substring(field.length() + 1).trim());
          }
        }
      } catch (IOException e) {
        // The process is gone.
      }
      return Optional.empty();
    }

    /** Field N (1-based, as in proc(5)) of {@code /proc/PID/stat}. */
    public Optional<String> stat(int field) {
      try {
        String s = Files.readString(PROC.resolve(pid + "/stat"));
        String[] rest = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return field >= 3 && field - 3 < rest.length
            ? Optional.of(rest[field - 3])
            : Optional.empty();
      } catch (IOException | StringIndexOutOfBoundsException e) {
        return Optional.empty();
      }
    }

    /** The number of open file descriptors, when visible. */
    public OptionalLong openFileDescriptors() {
      try (var s = Files.list(PROC.resolve(pid + "/fd"))) {
        return OptionalLong.of(s.count());
      } catch (IOException e) {
        return OptionalLong.empty();
      }
    }

    public boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && !"Z".equals(stat(3).orElse(""));
    }

    @Override
    public String toString() {
      return "pid " + pid + " (" + commandLine + ")";
    }
  }

  /** Every live process whose command line contains {@code token}, this JVM excluded. */
  public static List<HostProcess> withToken(String token) {
    List<HostProcess> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    if (Files.isDirectory(PROC)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, "[0-9]*")) {
        for (Path p : ds) {
          try {
            byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
            String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            long pid = Long.parseLong(p.getFileName().toString());
            if (pid != self && cmd.contains(token)) {
              HostProcess hp = new HostProcess(pid, cmd);
              if (!"Z".equals(hp.stat(3).orElse(""))) {
                found.add(hp);
              }
            }
          } catch (IOException | NumberFormatException e) {
            // Gone meanwhile, or not ours to read.
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot list /proc", e);
      }
      return found;
    }
    ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self)
        .forEach(
            h -> {
              String cmd = h.info().commandLine().orElse("");
              if (cmd.contains(token) && h.isAlive()) {
                found.add(new HostProcess(h.pid(), cmd));
              }
            });
    return found;
  }

  /** Waits up to {@code timeout} for a process with the token to appear; the first found. */
  public static Optional<HostProcess> awaitToken(String token, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    do {
      List<HostProcess> found = withToken(token);
      if (!found.isEmpty()) {
        return Optional.of(found.get(0));
      }
      Thread.sleep(20);
    } while (System.nanoTime() < end);
    return Optional.empty();
  }

  /** Waits up to {@code timeout} for every process with the token to end; the survivors. */
  public static List<HostProcess> awaitGone(String token, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    List<HostProcess> left = withToken(token);
    while (!left.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(25);
      left = withToken(token);
    }
    return left;
  }

  /** Kills every process with the token (cleanup after a scenario saw an escape). */
  public static void killAll(String token) {
    for (HostProcess p : withToken(token)) {
      ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
