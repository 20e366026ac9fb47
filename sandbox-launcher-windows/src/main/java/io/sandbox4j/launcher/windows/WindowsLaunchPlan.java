package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.LaunchSpec;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * What Windows isolators ask the launcher to apply for one run, as a {@link LaunchSpec} extension.
 * Isolators only add to it; {@link WindowsLauncher} applies every part or fails the run (exit 125,
 * step named). Not thread-safe: one per run.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WindowsLaunchPlan {
  private RestrictedTokenSpec restrictedToken;
  private AppContainerSpec appContainer;
  private JobLimits jobLimits = JobLimits.KILL_ON_CLOSE;
  private boolean privateDesktop;
  private final List<WfpFilter> wfpFilters = new ArrayList<>();
  private final Set<AccessGrant> workspaceGrants = new LinkedHashSet<>();
  private final Set<Path> protectedPlaceholders = new LinkedHashSet<>();
  private Path workspace;
  private Sid privateTmpSid;
  private Path privateTmpParent;
  private final Set<Path> mustBeReadable = new LinkedHashSet<>();
  private final Set<Path> mustBeUnreadable = new LinkedHashSet<>();
  private Sid runSid;

  /** The plan of the run {@code spec} describes: made by the first isolator that asks for it. */
  public static WindowsLaunchPlan of(LaunchSpec spec) {
    return spec.extension(WindowsLaunchPlan.class, WindowsLaunchPlan::new);
  }

  /** Sets the restricted token; only one isolator may set it. */
  public void restrictedToken(RestrictedTokenSpec spec) {
    if (restrictedToken != null && !restrictedToken.equals(spec)) {
      throw new IllegalStateException("a different restricted token is already set for this run");
    }
    this.restrictedToken = spec;
  }

  public Optional<RestrictedTokenSpec> restrictedToken() {
    return Optional.ofNullable(restrictedToken);
  }

  /**
   * Sets the AppContainer. Isolators of one backend may each set it; capabilities are merged, LPAC
   * wins.
   */
  public void appContainer(AppContainerSpec spec) {
    if (appContainer == null) {
      appContainer = spec;
      return;
    }
    if (!appContainer.profileName().equals(spec.profileName())) {
      throw new IllegalStateException(
          "AppContainer profile '"
              + appContainer.profileName()
              + "' already set, cannot also use '"
              + spec.profileName()
              + "'");
    }
    LinkedHashSet<Sid> caps = new LinkedHashSet<>(appContainer.capabilities());
    caps.addAll(spec.capabilities());
    appContainer =
        new AppContainerSpec(
            spec.profileName(),
            List.copyOf(caps),
            appContainer.lessPrivileged() || spec.lessPrivileged());
  }

  public Optional<AppContainerSpec> appContainer() {
    return Optional.ofNullable(appContainer);
  }

  /** Adds job limits; the stricter of every contribution applies. */
  public void limitJob(JobLimits limits) {
    jobLimits = jobLimits.merge(limits);
  }

  public JobLimits jobLimits() {
    return jobLimits;
  }

  public void privateDesktop(boolean enabled) {
    privateDesktop = privateDesktop || enabled;
  }

  public boolean privateDesktop() {
    return privateDesktop;
  }

  public void addWfpFilters(List<WfpFilter> filters) {
    wfpFilters.addAll(filters);
  }

  public List<WfpFilter> wfpFilters() {
    return List.copyOf(wfpFilters);
  }

  /**
   * Adds the one-time ACL grants of a workspace; the launcher makes sure each is in place (recorded
   * by {@link WindowsWorkspaceSetup}, applied only if missing) before it starts the command.
   */
  public void addWorkspaceGrants(Path workspace, List<AccessGrant> grants) {
    if (this.workspace != null && !this.workspace.equals(workspace)) {
      throw new IllegalStateException(
          "workspace grants for " + this.workspace + " already set, not " + workspace);
    }
    this.workspace = workspace;
    workspaceGrants.addAll(grants);
  }

  /** Protected paths that do not exist yet: created as read-only placeholder directories. */
  public void addProtectedPlaceholders(List<Path> paths) {
    protectedPlaceholders.addAll(paths);
  }

  public Optional<Path> workspace() {
    return Optional.ofNullable(workspace);
  }

  public List<AccessGrant> workspaceGrants() {
    return List.copyOf(workspaceGrants);
  }

  public List<Path> protectedPlaceholders() {
    return List.copyOf(protectedPlaceholders);
  }

  /**
   * Gives the run a private temporary directory under {@code parent}, accessible to the caller and
   * {@code sid} only (a SID unique to this run), set as TEMP and TMP.
   */
  public void privateTmp(Path parent, Sid sid) {
    this.privateTmpParent = parent;
    this.privateTmpSid = sid;
  }

  /**
   * The private temporary directory every Windows backend uses: beneath {@code
   * %LOCALAPPDATA%\sandbox4j\tmp} of the caller, for this run's SID only.
   *
   * @throws io.sandbox4j.api.SandboxException (exit 125) when LOCALAPPDATA is not set
   */
  public void privateTmpUnderLocalAppData(Map<String, String> callerEnvironment) {
    String local = callerEnvironment.get("LOCALAPPDATA");
    if (local == null || local.isBlank()) {
      throw SandboxException.cannotSandbox(
          "LOCALAPPDATA is not set: the private temporary directory lives under"
              + " %LOCALAPPDATA%\\sandbox4j\\tmp");
    }
    privateTmp(Path.of(local, "sandbox4j", "tmp"), runSid());
  }

  public Optional<Sid> privateTmpSid() {
    return Optional.ofNullable(privateTmpSid);
  }

  public Optional<Path> privateTmpParent() {
    return Optional.ofNullable(privateTmpParent);
  }

  /** Directories the sandboxed process must be able to read (checked before launch). */
  public void requireReadable(Path dir) {
    mustBeReadable.add(dir);
  }

  public List<Path> mustBeReadable() {
    return List.copyOf(mustBeReadable);
  }

  /**
   * Paths the sandboxed process must not be able to read: checked before launch (an AppContainer
   * run is refused if the container or ALL APPLICATION PACKAGES may read one of them).
   */
  public void requireUnreadable(Path path) {
    mustBeUnreadable.add(path);
  }

  public List<Path> mustBeUnreadable() {
    return List.copyOf(mustBeUnreadable);
  }

  /** A SID unique to this run (random, made on first use), shared by every isolator of the run. */
  public Sid runSid() {
    if (runSid == null) {
      runSid = Sid.random(new SecureRandom());
    }
    return runSid;
  }
}
