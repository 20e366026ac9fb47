package io.sandbox4j.testkit.fakes;

import static io.sandbox4j.api.Feature.FS_PRIVATE_HOME;
import static io.sandbox4j.api.Feature.FS_PRIVATE_TMP;
import static io.sandbox4j.api.Feature.FS_PROTECTED_PATHS;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
import static io.sandbox4j.api.Feature.NET_DENY_ALL;
import static io.sandbox4j.api.Feature.PROC_TREE_KILL;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.testkit.BackendUnderTest;
import java.util.List;
import java.util.Set;

/**
 * Deliberately broken backends: each claims isolation it does not enforce (or declares nothing), so
 * the catalogue must fail against it, naming the scenario and what it observed.
 */
public final class BrokenBackends {
  private BrokenBackends() {}

  /** Claims filesystem isolation, enforces nothing. */
  public static final class LaxFilesystem implements SandboxBackend {
    public static final String ID = "fake-lax-fs";

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String description() {
      return "claims filesystem isolation and enforces nothing";
    }

    @Override
    public List<Isolator> isolators() {
      return List.of(
          new DeclaringIsolator(
              "filesystem",
              Aspect.FILESYSTEM,
              Set.of(
                  FS_WRITE_CONFINEMENT,
                  FS_READ_DENY,
                  FS_PROTECTED_PATHS,
                  FS_PRIVATE_TMP,
                  FS_PRIVATE_HOME)));
    }
  }

  /** Claims no network, leaks it. */
  public static final class LeakyNetwork implements SandboxBackend {
    public static final String ID = "fake-leaky-net";

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String description() {
      return "claims no network and leaks it";
    }

    @Override
    public List<Isolator> isolators() {
      return List.of(new DeclaringIsolator("network", Aspect.NETWORK, Set.of(NET_DENY_ALL)));
    }
  }

  /** Claims whole-tree kill, leaves orphans (the plain launcher loses reparented processes). */
  public static final class OrphanLeaving implements SandboxBackend {
    public static final String ID = "fake-orphans";

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String description() {
      return "claims whole-tree kill and leaves orphans";
    }

    @Override
    public List<Isolator> isolators() {
      return List.of(new DeclaringIsolator("tree", Aspect.PROCESS, Set.of(PROC_TREE_KILL)));
    }
  }

  /** Claims the process aspect (privileges, session, isolation), enforces none of it. */
  public static final class Privileged implements SandboxBackend {
    public static final String ID = "fake-privileged";

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String description() {
      return "claims no privileges, a new session and process isolation, enforces none";
    }

    @Override
    public List<Isolator> isolators() {
      return List.of(
          new DeclaringIsolator(
              "process",
              Aspect.PROCESS,
              Set.of(
                  io.sandbox4j.api.Feature.PROC_NO_PRIVILEGES,
                  io.sandbox4j.api.Feature.PROC_NEW_SESSION,
                  io.sandbox4j.api.Feature.PROC_ISOLATION)));
    }
  }

  /** Claims memory and process-count limits, enforces neither. */
  public static final class LaxLimits implements SandboxBackend {
    public static final String ID = "fake-lax-limits";

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String description() {
      return "claims memory and process-count limits, enforces neither";
    }

    @Override
    public List<Isolator> isolators() {
      return List.of(
          new DeclaringIsolator(
              "limits",
              Aspect.RESOURCE,
              Set.of(io.sandbox4j.api.Feature.RES_MEMORY, io.sandbox4j.api.Feature.RES_MAX_PROCS)));
    }
  }

  /** Declares nothing at all. */
  public static final class Silent implements SandboxBackend {
    public static final String ID = "fake-silent";

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String description() {
      return "declares nothing";
    }

    @Override
    public List<Isolator> isolators() {
      return List.of(new DeclaringIsolator("nothing", Aspect.PROCESS, Set.of()));
    }
  }

  /** Provides every broken backend. */
  public static final class Provider implements BackendProvider {
    @Override
    public List<SandboxBackend> backends(BackendContext context) {
      return List.of(
          new LaxFilesystem(),
          new LeakyNetwork(),
          new OrphanLeaving(),
          new Silent(),
          new Privileged(),
          new LaxLimits());
    }
  }

  /** One broken backend alone, for its aspects. */
  public static BackendUnderTest alone(String id) {
    return BackendUnderTest.of(id, List.of(new Provider()), List.of(id));
  }
}
