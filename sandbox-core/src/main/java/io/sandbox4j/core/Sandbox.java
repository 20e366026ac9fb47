package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.sandbox4j.api.Ancestry;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.SystemRoots;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.GuardedDirectories;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import io.sandbox4j.api.spi.WorkspaceLayer;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.core.changes.ChangeSets;
import io.sandbox4j.core.git.GitSweep;
import io.sandbox4j.proxy.RunProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.apiguardian.api.API;

/**
 * The library entry point: run commands under a {@link SandboxPolicy}.
 *
 * <pre>{@code
 * Sandbox sandbox = Sandbox.create();
 * SandboxPolicy policy = SandboxPolicy.defaults(Path.of("/work/project"));
 * SandboxResult r = sandbox.run(policy, List.of("make", "test"));
 * System.out.println(r.exitCode() + " " + r.stdoutText());
 * }</pre>
 *
 * <p>Thread-safe; create one per application. Every run is checked before it starts: when a
 * restriction the policy asks for is not enforced by a selected, available isolator, nothing runs
 * and a {@link SandboxException} with exit code 125 says what is missing.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Sandbox {
  private final BackendRegistry registry;
  private final IsolatorSelector selector;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService readers;

  private Sandbox(BackendRegistry registry) {
    this.registry = registry;
    this.selector = new IsolatorSelector(registry);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemons("sandbox4j-timeouts"));
    // Output is drained on dedicated threads: blocking reads must not starve a shared pool.
    this.readers = Executors.newCachedThreadPool(daemons("sandbox4j-output"));
  }

  /** Threads of this name that never keep the JVM alive. */
  private static ThreadFactory daemons(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A sandbox with every backend found on the class path: each {@link BackendProvider} listed in
   * {@code META-INF/services/io.sandbox4j.api.spi.BackendProvider}.
   */
  public static Sandbox create() {
    List<BackendProvider> providers = new ArrayList<>();
    try {
      for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
        providers.add(p);
      }
    } catch (java.util.ServiceConfigurationError e) {
      throw SandboxException.cannotSandbox(
          "a backend on the class path cannot be loaded: " + e.getMessage(), e);
    }
    return create(providers);
  }

  /** A sandbox with exactly these backend providers (and the built-in backend). */
  public static Sandbox create(Collection<? extends BackendProvider> providers) {
    Injector injector;
    try {
      injector = Guice.createInjector(Stage.PRODUCTION, new CoreModule(List.copyOf(providers)));
    } catch (com.google.inject.CreationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SandboxException se) {
        throw se;
      }
      throw SandboxException.cannotSandbox("backend wiring failed: " + e.getMessage(), e);
    }
    try {
      return new Sandbox(injector.getInstance(BackendRegistry.class));
    } catch (com.google.inject.ProvisionException e) {
      if (e.getCause() instanceof SandboxException se) {
        throw se;
      }
      throw SandboxException.cannotSandbox("backend wiring failed: " + e.getMessage(), e);
    }
  }

  public BackendRegistry registry() {
    return registry;
  }

  /**
   * Selects isolators for the policy and checks coverage; throws (exit 125) naming every
   * restriction nothing selected enforces. {@code backendIds} empty means automatic.
   */
  public SandboxPlan plan(SandboxPolicy policy, List<String> backendIds) {
    return plan(policy, backendIds, Set.of());
  }

  /** As {@link #plan(SandboxPolicy, List)}, not requiring the {@code waived} features. */
  public SandboxPlan plan(SandboxPolicy policy, List<String> backendIds, Set<Feature> waived) {
    // exit 2 for a system directory as a writable root, whichever front end built the policy
    SystemRoots.check(policy);
    return selector.select(policy, backendIds, waived);
  }

  /**
   * Reverts what installed backends left for {@code workspace} between runs (placeholders for
   * protected paths, one-time ACL grants and profiles). Every cleanup runs even when one fails.
   *
   * @return one line per reverted item
   * @throws SandboxException (exit 125) naming what could not be reverted, after trying everything
   */
  public List<String> cleanup(Path workspace) {
    List<String> done = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (WorkspaceCleanup c : registry.workspaceCleanups()) {
      try {
        for (String line : c.cleanup(workspace)) {
          done.add(c.description() + ": " + line);
        }
      } catch (RuntimeException e) {
        failed.add(c.description() + ": " + e.getMessage());
      }
    }
    if (!failed.isEmpty()) {
      throw SandboxException.cannotSandbox(
          "cleanup of "
              + workspace
              + " is incomplete:\n  "
              + String.join("\n  ", failed)
              + (done.isEmpty() ? "" : "\nreverted:\n  " + String.join("\n  ", done)));
    }
    return done;
  }

  /** Starts the command; the caller reads or redirects its streams and waits for it. */
  public SandboxExecution start(SandboxRequest request) {
    SandboxPlan plan = plan(request.policy(), request.backends(), request.waived());
    InheritedStreams.check(request.processStarter().inheritedDescriptors(), request.redirects());
    SandboxPolicy policy = request.policy();
    LaunchSpec spec =
        new LaunchSpec(
            policy, request.command(), policy.workingDirectory(), request.callerEnvironment());
    spec.redirects(request.redirects());
    spec.starter(request.processStarter());
    ChangeSet changeSet = null;
    boolean fresh = false;
    // every run, not only ephemeral ones: a command that writes the store could rewrite the change
    // sets the user later applies (their files and the workspace they are applied to)
    ChangeSets store = ChangeSets.forUser(request.callerEnvironment());
    refuseIfStoreOrLayersWritable(policy, store);
    spec.extension(
        GuardedDirectories.class,
        () -> new GuardedDirectories(guarded(store, request.callerEnvironment())));
    try {
      if (policy.ephemeral().enabled()) {
        fresh = policy.ephemeral().base().isEmpty();
        changeSet = layer(policy, request, spec);
      }
      for (SelectedIsolator s : plan.isolators()) {
        Availability a = s.isolator().probe();
        if (!a.available()) {
          throw SandboxException.cannotSandbox(s.name() + " is unavailable: " + a.detail());
        }
        s.isolator().contribute(policy, s.owned(), spec);
      }
      Launcher launcher = chooseLauncher(spec);
      startProxy(spec);
      // before the command can write anything, on each writable root's own clock; with an
      // ephemeral workspace the sweep walks the layer, never the real workspace
      List<Path> roots = sweepRoots(policy, changeSet);
      Instant runStart = GitSweep.clockOf(roots, Instant.now());
      long start = System.nanoTime();
      SandboxProcess process = launcher.launch(spec);
      return new SandboxExecution(
          process,
          spec,
          launcher.id(),
          start,
          policy.resources().timeout(),
          scheduler,
          () -> new GitSweep(roots, runStart, System.getenv(), userHome()).run(),
          plan.isolators().stream().map(SelectedIsolator::name).toList(),
          changeSet);
    } catch (IOException e) {
      spec.runCleanups();
      discardFresh(changeSet, fresh);
      throw SandboxException.cannotSandbox(
          "could not start " + request.command().get(0) + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      spec.runCleanups();
      discardFresh(changeSet, fresh);
      throw e;
    }
  }

  /**
   * Refuses (exit 2, nothing run) a run whose writable roots hold or lie in the change-set store or
   * the profiles' cache layers ({@code sandbox4j/caches} beside the store), or whose profile cache
   * layers lie in the store, by real path or by device and inode ({@link Ancestry}: a link or bind
   * mount naming them, or a directory above them, counts). A command writing the store could
   * rewrite the change sets the user later applies; one writing the caches could put a link in
   * place of a layer's upper directory while a later run mounts that overlay by name, and that
   * run's writes would land beside the launcher or in the store (the layers are written only
   * through their overlays). One pass over the roots for both.
   */
  private static void refuseIfStoreOrLayersWritable(SandboxPolicy policy, ChangeSets store) {
    Ancestry changes = Ancestry.of(store.root());
    Path layers = store.root().resolveSibling("caches");
    Optional<Path> root =
        Ancestry.firstReaching(
            policy.filesystem().allWritableRoots(), List.of(changes, Ancestry.of(layers)));
    Optional<Path> layer =
        Ancestry.firstReaching(
            policy.cacheLayers().stream().map(l -> l.directory()).toList(), List.of(changes));
    if (layer.isPresent()
        || root.isPresent()
            && Ancestry.firstReaching(List.of(root.get()), List.of(changes)).isPresent()) {
      throw SandboxException.invalid(
          "the change sets in "
              + store.root()
              + " would lie inside the writable root "
              + layer.orElseGet(root::get)
              + ": set XDG_CACHE_HOME to a directory outside the writable roots; nothing ran");
    }
    if (root.isPresent()) {
      throw SandboxException.invalid(
          "the profiles' cache layers in "
              + layers
              + " would lie inside the writable root "
              + root.get()
              + " (a command writing there could lead a later run's layer elsewhere): choose"
              + " writable roots outside it; nothing ran");
    }
  }

  /**
   * What no write grant of the launch may reach: the change-set store and the directories a warm
   * engine of this caller keeps its socket, lock and log in ({@code $XDG_RUNTIME_DIR/sandbox4j},
   * the cache's {@code sandbox4j/engine}: both, whichever the engine takes), checked again by the
   * launcher on the paths of its final plan.
   */
  private static List<Path> guarded(ChangeSets store, Map<String, String> env) {
    List<Path> out = new ArrayList<>();
    out.add(store.root());
    out.add(store.root().resolveSibling("engine"));
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && runtime.startsWith("/")) {
      out.add(Path.of(runtime, "sandbox4j"));
    }
    return out;
  }

  /**
   * Prepares the run's copy-on-write layer (a new change set, or the unapplied one the policy
   * continues) and hands it to the isolators as a {@link WorkspaceLayer} extension.
   */
  private static ChangeSet layer(SandboxPolicy policy, SandboxRequest request, LaunchSpec spec) {
    ChangeSets store = ChangeSets.forUser(request.callerEnvironment());
    ChangeSet cs =
        policy.ephemeral().base().isPresent()
            ? store.get(policy.ephemeral().base().get())
            : store.create(policy.filesystem().workspace(), policy.filesystem().protectedNames());
    Path ws = SystemRoots.real(policy.filesystem().workspace());
    if (!cs.workspace().equals(ws)) {
      throw SandboxException.invalid(
          "change set " + cs.id() + " lies over " + cs.workspace() + ", not over " + ws);
    }
    // held until the run ends: no apply, discard or second run of this layer meanwhile
    cs.holdForRun();
    spec.onCleanup(cs::releaseRun);
    spec.extension(
        WorkspaceLayer.class,
        () -> new WorkspaceLayer(ws, cs.upper(), cs.directory().resolve("work"), store.root()));
    return cs;
  }

  private static List<Path> sweepRoots(SandboxPolicy policy, ChangeSet changeSet) {
    List<Path> roots = new ArrayList<>(policy.filesystem().allWritableRoots());
    if (changeSet != null) {
      roots.replaceAll(r -> r.equals(policy.filesystem().workspace()) ? changeSet.upper() : r);
    }
    return roots;
  }

  private static void discardFresh(ChangeSet changeSet, boolean fresh) {
    if (changeSet != null && fresh) {
      changeSet.discard();
    }
  }

  /**
   * Starts the command and hands its piped output to {@code listener} as it arrives, each stream on
   * a thread of its own; {@link SandboxExecution#completion()} completes when the command has ended
   * and its output is delivered. A copy of standard error is scanned (bounded) for the paths the
   * policy denied ({@link SandboxResult#denials()}). Streams the request redirects elsewhere are
   * not delivered.
   *
   * <pre>{@code
   * SandboxRequest request = SandboxRequest.of(policy, List.of("make", "test"));
   * try (SandboxExecution run = sandbox.start(request, new OutputListener() {
   *       public void stdout(byte[] chunk) { System.out.write(chunk, 0, chunk.length); }
   *     })) {
   *   run.stdin().close();
   *   SandboxResult result = run.completion().get();
   * }
   * }</pre>
   */
  public SandboxExecution start(SandboxRequest request, OutputListener listener) {
    SandboxExecution execution = start(request);
    execution.stream(listener, readers);
    return execution;
  }

  /**
   * Runs the command to its end with empty standard input, collecting standard output and error.
   */
  public SandboxResult run(SandboxPolicy policy, List<String> command) {
    return run(SandboxRequest.of(policy, command));
  }

  /** Runs the request to its end; piped output streams are collected into the result. */
  public SandboxResult run(SandboxRequest request) {
    try (SandboxExecution ex = start(request)) {
      if (request.redirects().stdin() == Redirect.PIPE) {
        ex.stdin().close();
      }
      CompletableFuture<byte[]> out = drain(ex.stdout());
      CompletableFuture<byte[]> err = drain(ex.stderr());
      SandboxResult ended = ex.waitFor();
      return ex.finish(
          ended.exitCode() == SandboxResult.EXIT_TIMEOUT && ended.timedOut()
              ? SandboxResult.EXIT_TIMEOUT
              : ended.exitCode(),
          out.get(),
          err.get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SandboxException.cannotSandbox("interrupted while waiting for the command", e);
    } catch (ExecutionException e) {
      throw new UncheckedIOException(new IOException("reading the command's output", e.getCause()));
    }
  }

  private static Path userHome() {
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"));
  }

  private CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        readers);
  }

  /**
   * Starts the filtering proxy an isolator asked for (the engine applies that extension, not the
   * launcher) and points the command's tools at it. The isolator that created it registered its
   * stop as a cleanup; {@link SandboxExecution} stops it when the command ends.
   */
  private static void startProxy(LaunchSpec spec) {
    spec.findExtension(RunProxy.class)
        .ifPresent(
            proxy -> {
              proxy.start();
              spec.environment().putAll(proxy.environment(spec.environment()));
            });
  }

  private Launcher chooseLauncher(LaunchSpec spec) {
    Set<Class<?>> needed = new HashSet<>(spec.extensionTypes());
    needed.remove(RunProxy.class); // applied by the engine itself
    needed.remove(WorkspaceLayer.class); // turned into platform plans by isolators
    needed.remove(GuardedDirectories.class); // looked at by launchers that can
    List<Launcher> fit = new ArrayList<>();
    for (Launcher l : registry.launchers()) {
      if (l.extensionTypes().containsAll(needed)) {
        fit.add(l);
      }
    }
    fit.sort(Comparator.comparingInt((Launcher l) -> l.extensionTypes().size()));
    List<String> unavailable = new ArrayList<>();
    for (Launcher l : fit) {
      var a = l.probe();
      if (a.available()) {
        return l;
      }
      unavailable.add(l.id() + " (" + a.detail() + ")");
    }
    List<String> names = needed.stream().map(Class::getSimpleName).sorted().toList();
    throw SandboxException.cannotSandbox(
        fit.isEmpty()
            ? "no installed launcher applies " + names + "; nothing was run"
            : "the launcher that applies "
                + names
                + " is unavailable: "
                + String.join("; ", unavailable)
                + "; nothing was run");
  }
}
