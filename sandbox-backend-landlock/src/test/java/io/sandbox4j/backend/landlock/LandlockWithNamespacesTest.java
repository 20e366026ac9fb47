package io.sandbox4j.backend.landlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.backend.namespaces.NamespacesBackendProvider;
import io.sandbox4j.launcher.linux.NativeLaunch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Landlock and namespaces backends' isolators contributing to one launch the way the engine
 * assigns features (each required feature to the first available isolator by backend priority that
 * declares it): the namespaces backend (30) owns FS_READ_DENY and masks the denied path, Landlock
 * (50) owns write confinement and adds no sibling-grant read-deny rules, so the parents of a denied
 * path stay listable while the denied file stays unreadable.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class LandlockWithNamespacesTest {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final String SECRET = "SECRET-KEY-do-not-leak-5c1e";

  @TempDir Path root;
  Path ws;
  Path home;
  List<Isolator> byPriority;

  @BeforeEach
  void setUp() throws Exception {
    SandboxBackend namespaces =
        new NamespacesBackendProvider().backends(BackendContext.standalone()).get(0);
    LandlockBackend landlock = new LandlockBackend(NativeLaunch.host());
    assertThat(namespaces.priority()).isLessThan(landlock.priority());
    byPriority = new ArrayList<>(namespaces.isolators());
    byPriority.addAll(landlock.isolators());
    assumeTrue(
        landlock.isolators().stream().allMatch(i -> i.probe().available())
            && namespaces.isolators().stream().allMatch(i -> i.probe().available()),
        "Landlock or user namespaces unavailable here");
    ws = Files.createDirectories(root.resolve("ws"));
    home = Files.createDirectories(root.resolve("home"));
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_ed25519"), SECRET);
    Files.writeString(home.resolve("notes.txt"), "readable-notes");
  }

  SandboxPolicy policy() {
    // no private /tmp: the test's directories live beneath /tmp, which a fresh tmpfs would hide
    return SandboxPolicy.builder(ws)
        .denyCredentialStores(false, Map.of())
        .denyRead(home.resolve(".ssh"))
        .privateTmp(false)
        .build();
  }

  /** The engine's assignment: each required feature to the first isolator declaring it. */
  static Map<Isolator, Set<Feature>> assign(List<Isolator> byPriority, SandboxPolicy p) {
    Map<Isolator, Set<Feature>> owned = new LinkedHashMap<>();
    byPriority.forEach(i -> owned.put(i, EnumSet.noneOf(Feature.class)));
    for (Feature f : p.requiredFeatures()) {
      byPriority.stream()
          .filter(i -> i.features().contains(f))
          .findFirst()
          .ifPresent(i -> owned.get(i).add(f));
    }
    return owned;
  }

  NativeLaunch.Result run(List<Isolator> isolators, String script) throws Exception {
    SandboxPolicy p = policy();
    LaunchSpec spec =
        new LaunchSpec(
            p,
            List.of("/bin/sh", "-c", script),
            ws,
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "H", home.toString()));
    assign(isolators, p).forEach((i, owned) -> i.contribute(p, owned, spec));
    return NativeLaunch.run(spec, TIMEOUT);
  }

  Isolator ownerOf(Feature f) {
    return assign(byPriority, policy()).entrySet().stream()
        .filter(e -> e.getValue().contains(f))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theParentsOfADeniedPathAreListableWhileTheDeniedFileStaysUnreadable() throws Exception {
    assertThat(ownerOf(Feature.FS_READ_DENY).getClass().getSimpleName())
        .isEqualTo("NamespacesFilesystemIsolator");
    assertThat(ownerOf(Feature.FS_WRITE_CONFINEMENT))
        .isInstanceOf(LandlockFilesystemIsolator.class);

    NativeLaunch.Result r =
        run(
            byPriority,
            "ls / > /dev/null && echo root-listed; ls -a \"$H\" && echo home-listed;"
                + " cat \"$H/.ssh/id_ed25519\"; cat \"$H/notes.txt\"; echo; touch \"$H/new\";"
                + " echo done");
    assertThat(r.stdout())
        .as(r.stderr())
        .contains("root-listed", "home-listed", "notes.txt", ".ssh", "readable-notes", "done")
        .doesNotContain(SECRET);
    // write confinement is still Landlock's: nothing is created outside the workspace
    assertThat(home.resolve("new")).doesNotExist();
  }

  @Test
  void landlockOwningTheDenyListAloneKeepsTheParentsUnlistable() throws Exception {
    List<Isolator> landlockOnly =
        byPriority.stream()
            .filter(i -> i.getClass().getPackageName().endsWith("landlock"))
            .toList();
    NativeLaunch.Result r =
        run(
            landlockOnly,
            "ls \"$H\" > /dev/null 2>&1 || echo home-unlistable; cat \"$H/.ssh/id_ed25519\";"
                + " echo done");
    assertThat(r.stdout()).contains("home-unlistable", "done").doesNotContain(SECRET);
  }
}
