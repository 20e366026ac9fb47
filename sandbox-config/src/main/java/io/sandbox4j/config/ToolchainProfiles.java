package io.sandbox4j.config;

import io.sandbox4j.config.ProfileGrant.Kind;
import io.sandbox4j.config.ToolConfigs.Found;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each toolchain profile grants, resolved against the caller's home and environment: writable
 * caches, read-only toolchain directories, variables passed or set, and network destinations read
 * from the tool's own configuration. The module README has the table; {@code explain} prints every
 * grant with its source. Nothing is granted from a built-in list of hosts, and no credential is
 * read into the policy ({@link ToolConfigs}).
 */
final class ToolchainProfiles {
  /** The profiles, in the order {@code auto} reports them. */
  static final List<String> NAMES = List.of("java", "node", "python", "rust", "go");

  /** Workspace files that make {@code auto} choose a profile. */
  private static final Map<String, List<String>> MARKERS =
      Map.of(
          "java",
          List.of(
              "pom.xml",
              "mvnw",
              "build.gradle",
              "build.gradle.kts",
              "settings.gradle",
              "settings.gradle.kts",
              "gradlew"),
          "node",
          List.of("package.json"),
          "python",
          List.of(
              "pyproject.toml", "requirements*.txt", "setup.py", "setup.cfg", "Pipfile", "uv.lock"),
          "rust",
          List.of("Cargo.toml"),
          "go",
          List.of("go.mod"));

  private final Map<String, String> env;
  private final Path home;
  private final Path workspace;
  private final ToolProbe probe;
  private final boolean networkAllowList;
  private final List<ProfileGrant> grants = new ArrayList<>();
  private String profile;

  /**
   * @param env the caller's environment ({@code HOME} and the tools' variables)
   * @param workspace the workspace, whose files {@code auto} looks at
   * @param networkAllowList whether the network mode is an allow-list: only then is a tool asked
   *     for its default registry (a file that names one is read either way)
   */
  ToolchainProfiles(
      Map<String, String> env, Path workspace, ToolProbe probe, boolean networkAllowList) {
    this.env = env;
    this.networkAllowList = networkAllowList;
    this.workspace = workspace;
    this.probe = probe;
    String h = env.get("HOME");
    this.home = h == null || h.isBlank() ? null : workspace.getFileSystem().getPath(h);
  }

  /**
   * The profiles {@code requested} names, {@code auto} replaced by those whose marker files the
   * workspace holds; each with why it was chosen.
   */
  Map<String, String> choose(List<String> requested) {
    Map<String, String> chosen = new LinkedHashMap<>();
    for (String name : requested) {
      if (!name.equals("auto")) {
        chosen.putIfAbsent(name, "named in the policy");
        continue;
      }
      for (String p : NAMES) {
        marker(p).ifPresent(m -> chosen.putIfAbsent(p, m + " in the workspace"));
      }
    }
    return chosen;
  }

  private Optional<String> marker(String name) {
    for (String m : MARKERS.get(name)) {
      if (!m.contains("*")) {
        if (Files.exists(workspace.resolve(m))) {
          return Optional.of(m);
        }
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(workspace, m)) {
        for (Path p : ds) {
          return Optional.of(p.getFileName().toString());
        }
      } catch (IOException e) {
        // an unreadable workspace chooses nothing
      }
    }
    return Optional.empty();
  }

  /** What {@code name} grants. */
  List<ProfileGrant> grants(String name) {
    grants.clear();
    profile = name;
    if (home == null) {
      note("HOME", "HOME is not set: no cache or toolchain in the home is granted");
    }
    switch (name) {
      case "java" -> java();
      case "node" -> node();
      case "python" -> python();
      case "rust" -> rust();
      case "go" -> go();
      default -> throw new IllegalArgumentException(name);
    }
    return List.copyOf(grants);
  }

  private void java() {
    pass("JAVA_HOME", "MAVEN_OPTS", "MAVEN_ARGS", "MAVEN_HOME", "M2_HOME", "SDKMAN_DIR");
    pass("GRADLE_USER_HOME", "GRADLE_OPTS", "JAVA_TOOL_OPTIONS");
    read(envPath("JAVA_HOME"), "$JAVA_HOME");
    read(inHome(".sdkman/candidates"), "SDKMAN's JDKs and build tools");
    read(inHome(".jdks"), "JDKs installed by IDEs");
    write(inHome(".m2/repository"), "Maven's local repository");
    write(inHome(".m2/wrapper"), "Maven wrapper distributions (mvnw)");
    Path gradle = envPath("GRADLE_USER_HOME").orElse(inHome(".gradle"));
    String gradleSource = env.containsKey("GRADLE_USER_HOME") ? "$GRADLE_USER_HOME" : "~/.gradle";
    for (String d : List.of("caches", "wrapper", "native", "daemon", "jdks")) {
      write(gradle == null ? null : gradle.resolve(d), "Gradle " + d + " (" + gradleSource + ")");
    }
    if (home != null) {
      ToolConfigs.mavenMirrors(env, home).forEach(this::net);
      if (Files.exists(home.resolve(".m2/settings.xml"))) {
        note(
            "~/.m2/settings.xml",
            "not granted (it may hold server passwords); its mirrors are listed as net entries");
      }
    }
  }

  private void node() {
    pass("NVM_DIR", "NVM_BIN", "NODE_PATH", "COREPACK_HOME", "VOLTA_HOME", "PNPM_HOME");
    pass("YARN_CACHE_FOLDER", "npm_config_cache", "NODE_EXTRA_CA_CERTS");
    read(envPath("NVM_DIR").or(() -> Optional.ofNullable(inHome(".nvm"))).orElse(null), "nvm");
    read(envPath("VOLTA_HOME").orElse(inHome(".volta")), "Volta");
    read(inHome(".local/share/fnm"), "fnm");
    write(envPath("npm_config_cache").orElse(inHome(".npm")), "npm's cache");
    write(envPath("YARN_CACHE_FOLDER").orElse(inHome(".cache/yarn")), "Yarn 1 cache");
    write(inHome(".yarn/berry"), "Yarn Berry cache");
    write(envPath("PNPM_HOME").orElse(inHome(".local/share/pnpm")), "pnpm store and home");
    write(inHome(".cache/pnpm"), "pnpm metadata cache");
    write(envPath("COREPACK_HOME").orElse(inHome(".cache/node/corepack")), "corepack");
    if (home != null) {
      ToolConfigs.npmRegistry(env, home, workspace, probe, networkAllowList)
          .ifPresentOrElse(
              r -> {
                // ~/.npmrc stays unreadable (it holds tokens): the registry alone is passed on
                grants.add(
                    new ProfileGrant(
                        profile, Kind.SET_ENV, "npm_config_registry=" + r.url(), r.source()));
                net(r);
              },
              () -> {
                if (!networkAllowList) {
                  note("npm config get registry", "not asked: the network mode is no allow-list");
                }
              });
    }
  }

  private void python() {
    pass("VIRTUAL_ENV", "PYENV_ROOT", "PYENV_VERSION", "PIP_CACHE_DIR", "UV_CACHE_DIR");
    pass("POETRY_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_DEFAULT_TIMEOUT", "PIP_CERT");
    pass("PIP_FIND_LINKS", "PIP_NO_INDEX", "UV_PYTHON", "PYTHONDONTWRITEBYTECODE");
    read(envPath("PYENV_ROOT").orElse(inHome(".pyenv")), "pyenv's versions and shims");
    read(inHome(".local/share/uv/python"), "Pythons installed by uv");
    read(inHome(".local/bin"), "user-installed scripts (pip --user, pipx)");
    if (home != null) {
      try (DirectoryStream<Path> ds =
          Files.newDirectoryStream(home.resolve(".local/lib"), "python*")) {
        ds.forEach(p -> read(p, "user site-packages"));
      } catch (IOException e) {
        // none
      }
    }
    write(envPath("PIP_CACHE_DIR").orElse(inHome(".cache/pip")), "pip's cache");
    write(envPath("UV_CACHE_DIR").orElse(inHome(".cache/uv")), "uv's cache");
    write(envPath("POETRY_CACHE_DIR").orElse(inHome(".cache/pypoetry")), "Poetry's cache");
    write(inHome(".local/share/virtualenvs"), "pipenv's virtualenvs");
    note("virtualenvs", "those inside the workspace are writable with it");
    if (home != null) {
      List<Found> indexes = ToolConfigs.pipIndexes(env, home);
      List<String> index = new ArrayList<>();
      List<String> extra = new ArrayList<>();
      for (Found f : indexes) {
        net(f);
        (f.source().contains("extra") ? extra : index).add(f.url());
      }
      // pip.conf is not granted (an index URL may carry a password): the URLs are passed instead
      if (!index.isEmpty()) {
        setEnv("PIP_INDEX_URL", index.get(0), indexes.get(0).source());
      }
      if (!extra.isEmpty()) {
        setEnv("PIP_EXTRA_INDEX_URL", String.join(" ", extra), "pip extra-index-url");
      }
    }
  }

  private void rust() {
    pass("CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "CARGO_TARGET_DIR", "RUSTFLAGS");
    pass("CARGO_NET_OFFLINE", "RUSTUP_AUTO_INSTALL", "CARGO_INCREMENTAL");
    read(envPath("RUSTUP_HOME").orElse(inHome(".rustup")), "rustup toolchains");
    Path cargo = envPath("CARGO_HOME").orElse(inHome(".cargo"));
    if (cargo != null && Files.isDirectory(cargo)) {
      // cargo locks and fills CARGO_HOME (registry/, git/, .package-cache); its programs and
      // configuration stay read-only
      write(cargo, "CARGO_HOME: registry, git and package caches");
      for (String ro : List.of("bin", "config.toml", "config", "env")) {
        grants.add(
            new ProfileGrant(profile, Kind.READ_ONLY, cargo.resolve(ro).toString(), "CARGO_HOME"));
      }
      for (String name : List.of("config.toml", "config")) {
        Path c = cargo.resolve(name);
        if (Files.exists(c) && ToolConfigs.cargoConfigHoldsSecrets(c)) {
          grants.add(
              new ProfileGrant(
                  profile, Kind.HIDE, c.toString(), "holds a token or credential provider"));
        }
      }
      ToolConfigs.cargoRegistries(cargo).forEach(this::net);
    } else {
      read(cargo, "CARGO_HOME");
    }
    envPath("CARGO_TARGET_DIR").ifPresent(t -> write(t, "$CARGO_TARGET_DIR"));
  }

  private void go() {
    pass("GOPATH", "GOFLAGS", "GOCACHE", "GOMODCACHE", "GOROOT", "GOPRIVATE", "GONOPROXY");
    pass("GONOSUMDB", "GONOSUMCHECK", "GOSUMDB", "GOTOOLCHAIN", "GOENV", "CGO_ENABLED");
    String gopath = env.get("GOPATH");
    Path gp =
        gopath != null && !gopath.isBlank()
            ? workspace.getFileSystem().getPath(gopath.split(":")[0])
            : inHome("go");
    write(
        envPath("GOMODCACHE").orElse(gp == null ? null : gp.resolve("pkg/mod")), "Go module cache");
    String xdgCache = env.get("XDG_CACHE_HOME");
    Path defaultCache =
        xdgCache != null && !xdgCache.isBlank()
            ? workspace.getFileSystem().getPath(xdgCache, "go-build")
            : inHome(".cache/go-build");
    write(envPath("GOCACHE").orElse(defaultCache), "Go build cache");
    read(gp == null ? null : gp.resolve("bin"), "GOPATH/bin");
    read(envPath("GOROOT").orElse(null), "$GOROOT");
    read(inHome("sdk"), "Go toolchains downloaded by go (GOTOOLCHAIN)");
    if (home != null) {
      Path file = ToolConfigs.goEnvFile(env, home);
      Map<String, String> goEnv = ToolConfigs.goEnv(file);
      for (String key : List.of("GOFLAGS", "GOPRIVATE", "GONOSUMDB", "GOTOOLCHAIN")) {
        String v = goEnv.get(key);
        if (v != null && !env.containsKey(key)) {
          setEnv(key, v, file.toString());
        }
      }
      List<Found> proxies = ToolConfigs.goProxies(env, home);
      proxies.forEach(this::net);
      if (!proxies.isEmpty()) {
        setEnv(
            "GOPROXY",
            String.join(",", proxies.stream().map(Found::url).toList()),
            proxies.get(0).source());
      }
    }
  }

  private Path inHome(String rel) {
    return home == null ? null : home.resolve(rel);
  }

  private Optional<Path> envPath(String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    Path p = workspace.getFileSystem().getPath(v);
    return p.isAbsolute() ? Optional.of(p.normalize()) : Optional.empty();
  }

  private void read(Optional<Path> p, String source) {
    p.ifPresent(x -> read(x, source));
  }

  private void read(Path p, String source) {
    if (p != null && Files.exists(p)) {
      grants.add(new ProfileGrant(profile, Kind.READ, p.toString(), source));
    }
  }

  private void write(Path p, String source) {
    if (p == null) {
      return;
    }
    if (Files.isDirectory(p)) {
      grants.add(new ProfileGrant(profile, Kind.WRITE, p.toString(), source));
    } else {
      grants.add(
          new ProfileGrant(profile, Kind.NOTE, p.toString(), source + ": absent, not granted"));
    }
  }

  private void pass(String... names) {
    for (String n : names) {
      if (env.containsKey(n)) {
        grants.add(new ProfileGrant(profile, Kind.PASS_ENV, n, "caller's environment"));
      }
    }
  }

  private void setEnv(String name, String value, String source) {
    grants.add(new ProfileGrant(profile, Kind.SET_ENV, name + "=" + value, source));
  }

  private void net(Found f) {
    Optional<String> entry = ToolConfigs.netEntry(f.url());
    if (entry.isPresent()) {
      grants.add(new ProfileGrant(profile, Kind.NET, entry.get(), f.source()));
    } else {
      note(f.url(), "from " + f.source() + ": not an http(s) URL, no network entry");
    }
  }

  private void note(String what, String why) {
    grants.add(new ProfileGrant(profile, Kind.NOTE, what, why));
  }
}
