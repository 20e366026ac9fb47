package io.sandbox4j.backend.landlock;

import static io.sandbox4j.backend.landlock.LandlockPlannerTest.ALL_ABI5;
import static io.sandbox4j.backend.landlock.LandlockPlannerTest.RX;
import static io.sandbox4j.backend.landlock.LandlockPlannerTest.RX_FILE;
import static io.sandbox4j.backend.landlock.LandlockPlannerTest.access;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.launcher.linux.LandlockRules;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Issue 13: a private home in a Landlock ruleset (reads alone, or with write confinement). */
@EnabledOnOs(value = OS.LINUX, disabledReason = "plans rules for Linux absolute paths")
class LandlockPrivateHomeTest {
  static FakeTree tree() {
    return new FakeTree()
        .file("/usr/bin/sh", "/etc/passwd", "/dev/null")
        .dir("/home/v", "/home/u/proj", "/home/u/.m2/repository", "/home/u/.mozilla/firefox")
        .file("/home/u/.bash_history", "/home/u/.m2/settings-security.xml", "/home/u/.gitconfig")
        .link("/home/u/out", "/usr");
  }

  static Map<String, Long> plan(boolean confineWrites, boolean privateHome) {
    FilesystemPolicy fs =
        new FilesystemPolicy(
            Path.of("/home/u/proj"),
            List.of(),
            List.of(),
            List.of(Path.of("/home/u/.m2/settings-security.xml")),
            List.of(),
            FilesystemPolicy.DEFAULT_PROTECTED_NAMES,
            true,
            List.of(),
            List.of(Path.of("/home/u")),
            List.of(Path.of("/home/u/.m2"), Path.of("/home/u/.gitconfig")));
    EnumSet<Feature> owned = EnumSet.of(Feature.FS_READ_DENY);
    if (confineWrites) {
      owned.add(Feature.FS_WRITE_CONFINEMENT);
    }
    if (privateHome) {
      owned.add(Feature.FS_PRIVATE_HOME);
    }
    LandlockRules rules =
        new LandlockPlanner(tree())
            .plan(new LandlockPlanner.Request(5, fs, Optional.empty(), owned));
    return access(rules);
  }

  @Test
  void onlyTheWorkspaceAndTheGrantsInTheHomeGetRights() {
    Map<String, Long> rules = plan(true, true);
    assertThat(rules)
        .contains(
            entry("/home/u/proj", ALL_ABI5),
            entry("/home/u/.m2/repository", RX),
            entry("/home/u/.gitconfig", RX_FILE),
            entry("/home/v", RX))
        .doesNotContainKeys(
            "/home/u",
            "/home/u/.bash_history",
            "/home/u/.mozilla",
            "/home/u/.m2",
            "/home/u/.m2/settings-security.xml",
            "/home/u/out");
  }

  @Test
  void anotherMountShowingTheHomeGetsNoRightsEither() {
    // attack 13: /mnt/all binds /home (so /mnt/all/u is the home again), /srv/sec a file in it
    FakeTree tree =
        tree()
            .dir("/mnt/all/u/.mozilla", "/mnt/all/v", "/srv/other")
            .file("/mnt/all/u/.bash_history", "/srv/sec")
            .mounts(
                "1 0 9:9 / / rw - ext4 /dev/x rw",
                "2 1 9:9 /home /mnt/all rw - ext4 /dev/x rw",
                "3 1 9:9 /home/u/.bash_history /srv/sec rw - ext4 /dev/x rw");
    FilesystemPolicy fs =
        new FilesystemPolicy(
            Path.of("/home/u/proj"),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            FilesystemPolicy.DEFAULT_PROTECTED_NAMES,
            true,
            List.of(),
            List.of(Path.of("/home/u")),
            List.of(Path.of("/mnt/all/u/.m2")));
    Map<String, Long> rules =
        access(
            new LandlockPlanner(tree)
                .plan(
                    new LandlockPlanner.Request(
                        5,
                        fs,
                        Optional.empty(),
                        EnumSet.of(Feature.FS_PRIVATE_HOME, Feature.FS_WRITE_CONFINEMENT))));
    assertThat(rules)
        .contains(entry("/mnt/all/v", RX), entry("/srv/other", RX))
        .doesNotContainKeys("/mnt", "/mnt/all", "/mnt/all/u", "/mnt/all/u/.bash_history", "/srv")
        .doesNotContainKeys("/srv/sec", "/mnt/all/u/.mozilla");
  }

  @Test
  void readsAloneHideTheHomeToo() {
    Map<String, Long> rules = plan(false, true);
    assertThat(rules).doesNotContainKeys("/", "/home/u", "/home/u/.bash_history");
    assertThat(rules).containsKeys("/home/u/.m2/repository", "/home/u/.gitconfig");
  }

  @Test
  void withoutOwningThePrivateHomeTheDenyListAloneApplies() {
    assertThat(plan(true, false)).containsKeys("/home/u/.bash_history", "/home/u/.mozilla");
  }
}
