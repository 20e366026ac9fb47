package io.sandbox4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.CacheLayer;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.config.ProfileGrant.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each profile resolved against a fake home and fake tool configurations in a temporary directory;
 * a fake {@link ToolProbe} stands for the installed tools. The real user's files are never read.
 */
class ToolchainProfilesTest {
  @TempDir Path dir;
  private Path home;
  private Path ws;
  private final Map<String, String> env = new HashMap<>();
  private final List<List<String>> probed = new ArrayList<>();
  private String npmSays;

  private final ToolProbe probe =
      new ToolProbe() {
        @Override
        public Optional<String> firstLine(List<String> command, Duration timeout) {
          probed.add(command);
          return Optional.ofNullable(npmSays);
        }

        @Override
        public boolean onPath(String tool) {
          return npmSays != null && tool.equals("npm");
        }
      };

  @BeforeEach
  void fakeHome() throws IOException {
    home = Files.createDirectories(dir.resolve("home/u"));
    ws = Files.createDirectories(dir.resolve("work/project"));
    env.put("HOME", home.toString());
  }

  private List<ProfileGrant> grants(String profile) {
    return new ToolchainProfiles(env, ws, probe, true).grants(profile);
  }

  private static List<String> of(List<ProfileGrant> grants, Kind kind) {
    return grants.stream().filter(g -> g.kind() == kind).map(ProfileGrant::value).toList();
  }

  private Path mkdirs(String rel) throws IOException {
    return Files.createDirectories(home.resolve(rel));
  }

  private Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void autoChoosesFromWorkspaceFilesAndSaysWhy() throws IOException {
    Files.writeString(ws.resolve("mvnw"), "");
    Files.writeString(ws.resolve("requirements-dev.txt"), "");
    Files.writeString(ws.resolve("go.mod"), "");
    Map<String, String> chosen =
        new ToolchainProfiles(env, ws, probe, true).choose(List.of("auto"));
    assertThat(chosen)
        .containsExactly(
            Map.entry("java", "mvnw in the workspace"),
            Map.entry("python", "requirements-dev.txt in the workspace"),
            Map.entry("go", "go.mod in the workspace"));
    assertThat(new ToolchainProfiles(env, ws, probe, true).choose(List.of("rust", "auto")))
        .containsEntry("rust", "named in the policy")
        .doesNotContainKey("node");
  }

  @Test
  void javaGrantsExistingCachesAndReadsMirrorsWithoutCredentials() throws IOException {
    Path repo = mkdirs(".m2/repository");
    Path jdk = mkdirs(".sdkman/candidates/java/21");
    env.put("JAVA_HOME", jdk.toString());
    write(
        home.resolve(".m2/settings.xml"),
        """
        <settings><servers><server><id>corp</id><password>hunter2</password></server></servers>
        <mirrors><mirror><id>corp</id><url>https://deploy:s3cret@repo.corp.test:8443/maven</url>
        <mirrorOf>*</mirrorOf></mirror></mirrors></settings>
        """);
    List<ProfileGrant> g = grants("java");
    assertThat(of(g, Kind.WRITE)).containsExactly(repo.toString());
    assertThat(of(g, Kind.READ))
        .contains(jdk.toString(), home.resolve(".sdkman/candidates").toString());
    assertThat(of(g, Kind.PASS_ENV)).containsExactly("JAVA_HOME");
    assertThat(of(g, Kind.NET)).containsExactly("repo.corp.test:8443");
    assertThat(g.stream().filter(x -> x.kind() == Kind.NET).findFirst().orElseThrow().source())
        .endsWith("settings.xml mirror 'corp'");
    assertThat(g.toString()).doesNotContain("s3cret", "hunter2", "deploy");
  }

  @Test
  void nodeTakesTheRegistryFromNpmrcAndPassesItWithoutTheToken() throws IOException {
    Path npm = mkdirs(".npm");
    write(
        home.resolve(".npmrc"),
        "//npm.corp.test/:_authToken=npm_SECRET\n_auth=dXNlcjpwYXNz\n"
            + "registry = https://npm.corp.test/\n");
    List<ProfileGrant> g = grants("node");
    assertThat(of(g, Kind.WRITE)).containsExactly(npm.toString());
    assertThat(of(g, Kind.SET_ENV)).containsExactly("npm_config_registry=https://npm.corp.test/");
    assertThat(of(g, Kind.NET)).containsExactly("npm.corp.test");
    assertThat(g.toString()).doesNotContain("SECRET", "dXNlcjpwYXNz");
    assertThat(probed).as("a registry in .npmrc needs no npm run").isEmpty();
  }

  @Test
  void nodeAsksNpmWhenNoFileNamesARegistryAndStripsUserinfo() {
    npmSays = "https://user:pw@npm.mirror.test:4873/";
    List<ProfileGrant> g = grants("node");
    assertThat(probed).containsExactly(List.of("npm", "config", "get", "registry"));
    assertThat(of(g, Kind.SET_ENV))
        .containsExactly("npm_config_registry=https://npm.mirror.test:4873/");
    assertThat(of(g, Kind.NET)).containsExactly("npm.mirror.test:4873");
    assertThat(g.stream().filter(x -> x.kind() == Kind.NET).findFirst().orElseThrow().source())
        .isEqualTo("npm config get registry");
    probed.clear();
    List<ProfileGrant> withoutAllowList =
        new ToolchainProfiles(env, ws, probe, false).grants("node");
    assertThat(probed).as("npm is asked only for an allow-list").isEmpty();
    assertThat(of(withoutAllowList, Kind.SET_ENV)).isEmpty();
  }

  @Test
  void pythonGrantsPyenvReadOnlyAndPassesIndexesFromPipConf() throws IOException {
    Path pyenv = mkdirs(".pyenv/shims");
    Path pip = mkdirs(".cache/pip");
    write(
        home.resolve(".config/pip/pip.conf"),
        "[global]\nindex-url = https://u:tok@pypi.corp.test/simple\n"
            + "extra-index-url = file:///opt/wheels\n");
    List<ProfileGrant> g = grants("python");
    assertThat(of(g, Kind.READ)).contains(pyenv.getParent().toString());
    assertThat(of(g, Kind.WRITE)).containsExactly(pip.toString());
    assertThat(of(g, Kind.NET)).containsExactly("pypi.corp.test");
    assertThat(of(g, Kind.SET_ENV))
        .containsExactly(
            "PIP_INDEX_URL=https://pypi.corp.test/simple",
            "PIP_EXTRA_INDEX_URL=file:///opt/wheels");
    assertThat(g.toString()).doesNotContain("tok@");
  }

  @Test
  void rustMakesCargoHomeWritableButItsProgramsReadOnlyAndHidesATokenConfig() throws IOException {
    Path cargo = mkdirs(".cargo");
    Path rustup = mkdirs(".rustup/toolchains");
    write(
        cargo.resolve("config.toml"),
        "[source.crates-io]\nreplace-with = \"corp\"\n"
            + "[source.corp]\nregistry = \"sparse+https://crates.corp.test/index/\"\n"
            + "[registry]\ntoken = \"cio_SECRET\"\n");
    List<ProfileGrant> g = grants("rust");
    assertThat(of(g, Kind.WRITE)).containsExactly(cargo.toString());
    assertThat(of(g, Kind.READ_ONLY)).contains(cargo.resolve("bin").toString());
    assertThat(of(g, Kind.READ)).containsExactly(rustup.getParent().toString());
    assertThat(of(g, Kind.NET)).containsExactly("crates.corp.test");
    assertThat(of(g, Kind.HIDE)).containsExactly(cargo.resolve("config.toml").toString());
    assertThat(g.toString()).doesNotContain("SECRET");
  }

  @Test
  void goReadsGoproxyFromGosOwnEnvFile() throws IOException {
    Path mod = mkdirs("go/pkg/mod");
    Path cache = mkdirs(".cache/go-build");
    write(
        home.resolve(".config/go/env"),
        "GOPROXY=https://tok:x@goproxy.corp.test,direct\nGOFLAGS=-mod=mod\n");
    List<ProfileGrant> g = grants("go");
    assertThat(of(g, Kind.WRITE)).containsExactly(mod.toString(), cache.toString());
    assertThat(of(g, Kind.NET)).containsExactly("goproxy.corp.test");
    assertThat(of(g, Kind.SET_ENV))
        .containsExactly("GOFLAGS=-mod=mod", "GOPROXY=https://goproxy.corp.test");
  }

  @Test
  void withoutConfigurationNoHostIsAdded() {
    for (String p : ToolchainProfiles.NAMES) {
      assertThat(of(grants(p), Kind.NET)).as(p).isEmpty();
      assertThat(of(grants(p), Kind.WRITE)).as(p).isEmpty();
    }
  }

  @Test
  void netEntriesTakeEffectOnlyWithAnAllowList() throws IOException {
    mkdirs(".m2/repository");
    write(
        home.resolve(".m2/settings.xml"),
        "<settings><mirrors><mirror><id>m</id><url>https://repo.corp.test/m2</url></mirror>"
            + "</mirrors></settings>");
    PolicySettings none = new PolicySettings(ws).set(Setting.PROFILES, "java");
    SandboxPolicy p = none.resolve(env, probe);
    assertThat(p.network().rules()).isEmpty();
    assertThat(none.profileReport())
        .anySatisfy(l -> assertThat(l).contains("repo.corp.test", "not applied"));
    assertThat(p.filesystem().writableRoots())
        .containsExactly(home.resolve(".m2/repository").toRealPath());
    PolicySettings allow =
        new PolicySettings(ws).set(Setting.PROFILES, "java").set(Setting.NET, "allow=localhost");
    assertThat(allow.resolve(env, probe).network().rules().toString()).contains("repo.corp.test");
  }

  @Test
  void aUserSetVariableWinsOverTheProfilesAndBadNamesAreRefused() throws IOException {
    write(home.resolve(".npmrc"), "registry=https://npm.corp.test/\n");
    PolicySettings s =
        new PolicySettings(ws)
            .set(Setting.PROFILES, "node")
            .set(Setting.ENV, "npm_config_registry=http://127.0.0.1:4873/");
    assertThat(s.resolve(env, probe).process().envSet())
        .containsEntry("npm_config_registry", "http://127.0.0.1:4873/");
    assertThatThrownBy(() -> new PolicySettings(ws).set(Setting.PROFILES, "ruby"))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("--profile: unknown profile 'ruby'; known: java, node, python, rust, go, auto");
  }

  @Test
  void theProfilesKeyIsReadFromAPolicyFile() throws IOException {
    Path file = write(ws.resolve("p.toml"), "version = 1\nprofiles = [\"auto\", \"rust\"]\n");
    Files.writeString(ws.resolve("package.json"), "{}");
    PolicySettings s = PolicySettings.load(file);
    s.resolve(env, probe);
    assertThat(s.profileReport())
        .contains("node: package.json in the workspace", "rust: named in the policy");
    Path bad = write(ws.resolve("q.toml"), "version = 1\nprofiles = [\"cobol\"]\n");
    assertThatThrownBy(() -> PolicySettings.load(bad))
        .hasMessageContaining("line 2, key 'profiles': unknown profile 'cobol'");
  }

  @Test
  void aCacheThatIsTheHomeAsAWholeIsLeftOutNotMadeWritable() {
    env.put("npm_config_cache", System.getProperty("user.home"));
    PolicySettings s = new PolicySettings(ws).set(Setting.PROFILES, "node");
    SandboxPolicy p = s.resolve(env, probe);
    assertThat(p.filesystem().writableRoots()).isEmpty();
    assertThat(s.profileReport()).anySatisfy(l -> assertThat(l).contains("skipped"));
  }

  @Test
  void cachesAreCopyOnWriteByDefaultWithALayerOutsideEveryWritableRoot() throws IOException {
    Path repo = mkdirs(".m2/repository").toRealPath();
    Path gradle = mkdirs(".gradle/caches").toRealPath();
    env.put("XDG_CACHE_HOME", dir.resolve("xdg").toString());
    PolicySettings s = new PolicySettings(ws).set(Setting.PROFILES, "java");
    SandboxPolicy p = s.resolve(env, probe);
    assertThat(p.cacheLayers()).extracting(CacheLayer::cache).containsExactly(repo, gradle);
    Path caches = dir.resolve("xdg/sandbox4j/caches/java");
    assertThat(p.cacheLayers()).allSatisfy(c -> assertThat(c.directory()).startsWithRaw(caches));
    assertThat(p.cacheLayers().get(0).directory()).isNotEqualTo(p.cacheLayers().get(1).directory());
    assertThat(p.requiredFeatures()).contains(Feature.FS_CACHE_LAYERS);
    assertThat(s.profileReport())
        .anySatisfy(
            l -> assertThat(l).contains(repo.toString(), "copy-on-write", caches.toString()));
    // the same cache gets the same layer on the next run
    assertThat(
            new PolicySettings(ws).set(Setting.PROFILES, "java").resolve(env, probe).cacheLayers())
        .isEqualTo(p.cacheLayers());
  }

  @Test
  void withoutXdgCacheHomeTheLayerIsInTheHomesCache() throws IOException {
    mkdirs(".m2/repository");
    SandboxPolicy p = new PolicySettings(ws).set(Setting.PROFILES, "java").resolve(env, probe);
    assertThat(p.cacheLayers().get(0).directory())
        .startsWithRaw(home.resolve(".cache/sandbox4j/caches/java"));
  }

  @Test
  void sharedCachesAreTheHostsOwnAndSaySo() throws IOException {
    Path repo = mkdirs(".m2/repository").toRealPath();
    PolicySettings s =
        new PolicySettings(ws).set(Setting.PROFILES, "java").set(Setting.PROFILE_CACHE, "shared");
    SandboxPolicy p = s.resolve(env, probe);
    assertThat(p.cacheLayers()).isEmpty();
    assertThat(p.filesystem().writableRoots()).containsExactly(repo);
    assertThat(p.requiredFeatures()).doesNotContain(Feature.FS_CACHE_LAYERS);
    assertThat(s.profileReport()).anySatisfy(l -> assertThat(l).contains("shared with the host"));
  }

  @Test
  void aLayerInsideAWritableRootIsRefused() throws IOException {
    mkdirs(".m2/repository");
    Path xdg = Files.createDirectories(ws.resolve("xdg"));
    env.put("XDG_CACHE_HOME", xdg.toString());
    PolicySettings s = new PolicySettings(ws).set(Setting.PROFILES, "java");
    assertThatThrownBy(() -> s.resolve(env, probe))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("would overlap the writable root")
        .hasMessageContaining("XDG_CACHE_HOME")
        .extracting(e -> ((SandboxException) e).exitCode())
        .isEqualTo(2);
  }
}
