package io.sandbox4j.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks an installed tool for its own configuration ({@code npm config get registry}), outside the
 * sandbox, as the caller. Tests replace it with a fake so that no real tool and no real user file
 * is consulted.
 */
interface ToolProbe {
  /** The command's first line of output, if it ran within {@code timeout} and exited 0. */
  Optional<String> firstLine(List<String> command, Duration timeout);

  /** Whether {@code tool} is an executable file in one of the {@code PATH} directories. */
  boolean onPath(String tool);

  /** The real tools of the caller's {@code PATH}, run with the caller's environment. */
  static ToolProbe system(Map<String, String> environment) {
    return system(environment, null);
  }

  /**
   * As {@link #system(Map)}, run in {@code directory} (the caller's current directory, which tools
   * read project settings from: {@code .npmrc}); {@code null} for this process's own.
   */
  static ToolProbe system(Map<String, String> environment, Path directory) {
    return new ToolProbe() {
      @Override
      public Optional<String> firstLine(List<String> command, Duration timeout) {
        Optional<Path> exe = find(command.get(0));
        if (exe.isEmpty()) {
          return Optional.empty();
        }
        List<String> argv = new ArrayList<>(command);
        argv.set(0, exe.get().toString());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(false);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().clear();
        pb.environment().putAll(environment);
        if (directory != null) {
          pb.directory(directory.toFile());
        }
        try {
          Process p = pb.start();
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          Thread reader =
              new Thread(
                  () -> {
                    try (InputStream in = p.getInputStream()) {
                      in.transferTo(out);
                    } catch (IOException e) {
                      // the process went away; what was read is kept
                    }
                  },
                  "sandbox4j-tool-probe");
          reader.setDaemon(true);
          reader.start();
          if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return Optional.empty();
          }
          reader.join(1000);
          if (p.exitValue() != 0) {
            return Optional.empty();
          }
          String text = out.toString(StandardCharsets.UTF_8).strip();
          int nl = text.indexOf('\n');
          text = nl < 0 ? text : text.substring(0, nl).strip();
          return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException e) {
          return Optional.empty();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }

      @Override
      public boolean onPath(String tool) {
        return find(tool).isPresent();
      }

      private Optional<Path> find(String tool) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
          if (dir.isEmpty()) {
            continue;
          }
          Path p = directory == null ? Path.of(dir, tool) : directory.resolve(dir).resolve(tool);
          if (Files.isRegularFile(p) && Files.isExecutable(p)) {
            return Optional.of(p);
          }
        }
        return Optional.empty();
      }
    };
  }
}
