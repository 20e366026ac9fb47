package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * What to start and how, as built up by the selected isolators for one run.
 *
 * <p>Platform-specific contributions (a Linux launch plan, a Windows token and job plan) are typed
 * extensions: an isolator gets or creates the extension it needs; a {@link Launcher} declares which
 * extension types it understands, and the engine refuses a spec that no launcher fully understands.
 * Not thread-safe: one spec belongs to one run.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LaunchSpec {
  private final SandboxPolicy policy;
  private final List<String> command;
  private Path workingDirectory;
  private final Map<String, String> environment;
  private Redirects redirects = Redirects.PIPE;
  private final Map<Class<?>, Object> extensions = new LinkedHashMap<>();
  private final List<Runnable> cleanups = new ArrayList<>();
  private ProcessStarter starter = ProcessStarter.LOCAL;

  public LaunchSpec(
      SandboxPolicy policy,
      List<String> command,
      Path workingDirectory,
      Map<String, String> environment) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    this.policy = policy;
    this.command = List.copyOf(command);
    this.workingDirectory = workingDirectory;
    this.environment = new LinkedHashMap<>(environment);
  }

  public SandboxPolicy policy() {
    return policy;
  }

  /** The command and its arguments; the first element is looked up on the command's PATH. */
  public List<String> command() {
    return command;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  public void workingDirectory(Path dir) {
    this.workingDirectory = dir;
  }

  /** The command's environment; isolators may add or remove entries. */
  public Map<String, String> environment() {
    return environment;
  }

  /** Where the command's standard streams go (default {@link Redirects#PIPE}). */
  public Redirects redirects() {
    return redirects;
  }

  public void redirects(Redirects redirects) {
    this.redirects = Objects.requireNonNull(redirects, "redirects");
  }

  /** How the launcher starts its process (default {@link ProcessStarter#LOCAL}). */
  public ProcessStarter starter() {
    return starter;
  }

  public void starter(ProcessStarter starter) {
    this.starter = Objects.requireNonNull(starter, "starter");
  }

  /** The extension of this type, created by {@code factory} on first use. */
  public <T> T extension(Class<T> type, Supplier<? extends T> factory) {
    return type.cast(extensions.computeIfAbsent(type, t -> factory.get()));
  }

  public <T> Optional<T> findExtension(Class<T> type) {
    return Optional.ofNullable(type.cast(extensions.get(type)));
  }

  /**
   * The extension of this type; when nothing contributed one, the run is refused ({@link
   * SandboxException#cannotSandbox}) with {@code whyMissing} as the message.
   */
  public <T> T requireExtension(Class<T> type, String whyMissing) {
    return findExtension(type).orElseThrow(() -> SandboxException.cannotSandbox(whyMissing));
  }

  /** The types of every extension contributed so far. */
  public Set<Class<?>> extensionTypes() {
    return Collections.unmodifiableSet(extensions.keySet());
  }

  /**
   * Registers work to do after the run ends (or fails to start), e.g. removing a private temporary
   * directory. Cleanups run in reverse order of registration.
   */
  public void onCleanup(Runnable cleanup) {
    cleanups.add(cleanup);
  }

  /** Runs the registered cleanups, last first; failures are collected, not thrown early. */
  public List<RuntimeException> runCleanups() {
    List<RuntimeException> failures = new ArrayList<>();
    for (int i = cleanups.size() - 1; i >= 0; i--) {
      try {
        cleanups.get(i).run();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    cleanups.clear();
    return failures;
  }
}
