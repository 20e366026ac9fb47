package io.sandbox4j.testkit;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Exempts the AppContainer profile of a scenario's workspace from loopback isolation, on Windows
 * and only when {@code -Dsandbox4j.testkit.loopbackExempt=true} (the Windows workflow sets it; it
 * needs an elevated host). An AppContainer cannot reach loopback at all by default, so without the
 * exemption every network scenario against the appcontainer backend passes whether or not a WFP
 * filter is in place; with it, only WFP stands between the command and the scenario's listener.
 *
 * <p>The profile name is the Windows launcher's own ({@code WindowsPlanner.profileName(Path)}),
 * looked up by reflection: the testkit does not depend on a platform launcher, and a second copy of
 * the derivation would drift. When the property is set and the exemption cannot be made, the
 * scenario fails rather than pass for the wrong reason.
 */
final class WindowsLoopback implements AutoCloseable {
  static final String PROPERTY = "sandbox4j.testkit.loopbackExempt";
  static final String PLANNER = "io.sandbox4j.launcher.windows.WindowsPlanner";

  /** Runs a host command, returning its exit code and output. */
  interface HostCommand {
    Outcome run(List<String> command) throws IOException, InterruptedException;
  }

  record Outcome(int exitCode, String output) {}

  /**
   * The exemption list is one host-wide setting that CheckNetIsolation rewrites whole: scenarios
   * running in parallel must not add and remove at the same time, or one's entry may be lost.
   */
  private static final Object HOST_LIST = new Object();

  private final boolean enabled;
  private final Function<Path, Optional<String>> profileName;
  private final HostCommand host;
  private final Set<String> exempted = new LinkedHashSet<>();

  WindowsLoopback() {
    this(
        Platform.current() == Platform.WINDOWS && Boolean.getBoolean(PROPERTY),
        WindowsLoopback::launcherProfileName,
        WindowsLoopback::runOnHost);
  }

  WindowsLoopback(boolean enabled, Function<Path, Optional<String>> profileName, HostCommand host) {
    this.enabled = enabled;
    this.profileName = profileName;
    this.host = host;
  }

  /** The command that adds ({@code -a}) or deletes ({@code -d}) the exemption of a profile. */
  static List<String> command(String action, String profile) {
    return List.of("CheckNetIsolation.exe", "LoopbackExempt", action, "-n=" + profile);
  }

  /** Exempts the profile of {@code workspace}, once; fails the scenario when it cannot. */
  synchronized void exempt(Path workspace) {
    if (!enabled) {
      return;
    }
    String profile =
        profileName
            .apply(workspace)
            .orElseThrow(
                () ->
                    new ScenarioFailure(
                        "-D"
                            + PROPERTY
                            + " is set but "
                            + PLANNER
                            + ".profileName(Path) is not on the class path: no AppContainer"
                            + " profile to exempt"));
    if (exempted.contains(profile)) {
      return;
    }
    Outcome o;
    try {
      synchronized (HOST_LIST) {
        o = host.run(command("-a", profile));
      }
    } catch (IOException e) {
      o = new Outcome(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o = new Outcome(-1, "interrupted");
    }
    if (o.exitCode() != 0) {
      throw new ScenarioFailure(
          "could not exempt the AppContainer profile "
              + profile
              + " from loopback isolation ("
              + String.join(" ", command("-a", profile))
              + ": exit "
              + o.exitCode()
              + ", "
              + o.output().strip()
              + "); without it the network scenarios pass for the wrong reason. Run elevated,"
              + " or leave -D"
              + PROPERTY
              + " unset");
    }
    exempted.add(profile);
  }

  /** The profiles exempted so far (for tests). */
  synchronized List<String> exempted() {
    return List.copyOf(exempted);
  }

  /** Removes the exemptions this context made (best effort). */
  @Override
  public synchronized void close() {
    for (String profile : new ArrayList<>(exempted)) {
      try {
        synchronized (HOST_LIST) {
          host.run(command("-d", profile));
        }
      } catch (IOException e) {
        // Best effort: a left exemption only concerns a deleted scratch workspace.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    exempted.clear();
  }

  /** {@code WindowsPlanner.profileName(workspace)}, when the Windows launcher is present. */
  static Optional<String> launcherProfileName(Path workspace) {
    try {
      Method m = Class.forName(PLANNER).getMethod("profileName", Path.class);
      return Optional.of((String) m.invoke(null, workspace));
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }

  private static Outcome runOnHost(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Outcome(-1, "timed out: " + out);
    }
    return new Outcome(p.exitValue(), out);
  }
}
