package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A profile's cache is copy-on-write by default (issue 13): what a sandboxed command writes into
 * ~/.m2/repository is seen by the next sandboxed run and never reaches the host's cache; {@code
 * --profile-cache shared} restores the host's cache as a writable root. In this JVM and through the
 * engine ({@link CliRunner}).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "overlays are the Linux namespaces backend's")
@ParameterizedClass
@EnumSource(CliRunner.Mode.class)
class ProfileCacheLayerTest {
  @RegisterExtension static final CliRunner CLI = new CliRunner();
  @Parameter CliRunner.Mode mode;
  @TempDir Path dir;
  Path ws;
  Path repo;
  Map<String, String> env;
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() throws Exception {
    ws = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(ws.resolve("pom.xml"), "<project/>");
    Path home = Files.createDirectories(dir.resolve("home"));
    repo = Files.createDirectories(home.resolve(".m2/repository/org/x/1.0"));
    Files.writeString(repo.resolve("x-1.0.pom"), "host\n");
    env =
        Map.of(
            "PATH",
            System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
            "HOME",
            home.toString(),
            "XDG_CACHE_HOME",
            dir.resolve("cache").toString());
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("run", "--profile=java"));
    all.addAll(List.of(args));
    int exit = CLI.executeWithRealBackends(mode, env, ws, err, all.toArray(String[]::new));
    Assumptions.assumeFalse(
        exit == 125 && err.toString().contains("FS_CACHE_LAYERS"),
        "no backend here layers caches: " + err);
    return exit;
  }

  @Test
  void writesReachTheNextRunButNotTheHostCache() throws Exception {
    String script =
        "echo planted > "
            + repo.resolve("evil.jar")
            + " && echo changed > "
            + repo.resolve("x-1.0.pom");
    assertThat(run("--", "sh", "-c", script)).as("%s", err).isZero();
    assertThat(repo.resolve("evil.jar")).doesNotExist();
    assertThat(Files.readString(repo.resolve("x-1.0.pom"))).isEqualTo("host\n");

    String read =
        "cat "
            + repo.resolve("evil.jar")
            + " "
            + repo.resolve("x-1.0.pom")
            + " > "
            + ws.resolve("out");
    assertThat(run("--", "sh", "-c", read)).as("%s", err).isZero();
    assertThat(Files.readString(ws.resolve("out"))).isEqualTo("planted\nchanged\n");
    assertThat(repo.resolve("evil.jar")).doesNotExist();
  }

  @Test
  void theLayerIsHiddenFromTheCommand() throws Exception {
    Path caches = dir.resolve("cache/sandbox4j/caches");
    String probe = "ls -R " + caches + " > " + ws.resolve("out") + " 2>&1; true";
    assertThat(run("--home=read", "--", "sh", "-c", probe)).as("%s", err).isZero();
    assertThat(Files.readString(ws.resolve("out"))).doesNotContain("upper");
    assertThat(caches.resolve("java")).isDirectory();
  }

  @Test
  void sharedWritesTheHostCache() throws Exception {
    String script = "echo shared > " + repo.resolve("s.jar");
    assertThat(run("--profile-cache=shared", "--", "sh", "-c", script)).as("%s", err).isZero();
    assertThat(Files.readString(repo.resolve("s.jar"))).isEqualTo("shared\n");
  }

  @Test
  void aBadModeIsExitTwo() {
    assertThat(run("--profile-cache=both", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("--profile-cache").contains("\"overlay\" or \"shared\"");
  }
}
