package io.sandbox4j.config;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * The registries and mirrors a toolchain is configured to use, read from the tool's own
 * configuration (never a built-in list of hosts). Only URLs are taken from those files: tokens,
 * passwords and {@code _auth} lines are never read into the policy, and userinfo is cut from every
 * URL ({@link #sanitize}).
 */
final class ToolConfigs {
  private ToolConfigs() {}

  /** A registry URL (sanitized) and where it was read. */
  record Found(String url, String source) {}

  /** Larger configuration files are not read (a settings.xml or pip.conf is a few KiB). */
  private static final long MAX_BYTES = 1 << 20;

  /**
   * npm: {@code npm_config_registry}, the workspace's then the user's .npmrc, then (when {@code
   * ask}) npm itself, which takes about a second to answer.
   */
  static Optional<Found> npmRegistry(
      Map<String, String> env, Path home, Path workspace, ToolProbe probe, boolean ask) {
    for (String name : List.of("npm_config_registry", "NPM_CONFIG_REGISTRY")) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return Optional.of(new Found(sanitize(v.strip()), "$" + name));
      }
    }
    List<Path> rcs = new ArrayList<>();
    rcs.add(workspace.resolve(".npmrc"));
    String user = env.get("npm_config_userconfig");
    rcs.add(user != null && !user.isBlank() ? home.getFileSystem().getPath(user) : null);
    rcs.add(home.resolve(".npmrc"));
    for (Path rc : rcs) {
      if (rc == null) {
        continue;
      }
      for (String line : lines(rc)) {
        String l = line.strip();
        if (l.startsWith("registry") && l.substring("registry".length()).strip().startsWith("=")) {
          String v = l.substring(l.indexOf('=') + 1).strip();
          if (!v.isEmpty()) {
            return Optional.of(new Found(sanitize(v), rc + " registry"));
          }
        }
      }
    }
    if (ask && probe.onPath("npm")) {
      return probe
          .firstLine(List.of("npm", "config", "get", "registry"), Duration.ofSeconds(5))
          .filter(v -> v.contains("://"))
          .map(v -> new Found(sanitize(v), "npm config get registry"));
    }
    return Optional.empty();
  }

  /** pip: {@code PIP_INDEX_URL}/{@code PIP_EXTRA_INDEX_URL}, else the pip.conf files. */
  static List<Found> pipIndexes(Map<String, String> env, Path home) {
    List<Found> out = new ArrayList<>();
    for (String name : List.of("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX")) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        for (String url : v.strip().split("\\s+")) {
          out.add(new Found(sanitize(url), "$" + name));
        }
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    List<Path> confs = new ArrayList<>();
    String xdg = env.get("XDG_CONFIG_HOME");
    confs.add(
        xdg != null && !xdg.isBlank()
            ? home.getFileSystem().getPath(xdg, "pip", "pip.conf")
            : home.resolve(".config/pip/pip.conf"));
    confs.add(home.resolve(".pip/pip.conf"));
    String pipConfig = env.get("PIP_CONFIG_FILE");
    if (pipConfig != null && !pipConfig.isBlank()) {
      confs.add(home.getFileSystem().getPath(pipConfig));
    }
    for (Path conf : confs) {
      String section = "";
      for (String line : lines(conf)) {
        String l = line.strip();
        if (l.startsWith("[") && l.endsWith("]")) {
          section = l.substring(1, l.length() - 1).strip().toLowerCase(Locale.ROOT);
          continue;
        }
        int eq = l.indexOf('=');
        if (eq < 0 || !(section.equals("global") || section.equals("install"))) {
          continue;
        }
        String key = l.substring(0, eq).strip().toLowerCase(Locale.ROOT).replace('_', '-');
        if (key.equals("index-url") || key.equals("extra-index-url")) {
          for (String url : l.substring(eq + 1).strip().split("\\s+")) {
            if (!url.isEmpty()) {
              out.add(new Found(sanitize(url), conf + " [" + section + "] " + key));
            }
          }
        }
      }
    }
    return out;
  }

  /** Maven: the mirrors and repositories of settings.xml (user's, then {@code MAVEN_HOME}'s). */
  static List<Found> mavenMirrors(Map<String, String> env, Path home) {
    List<Found> out = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    files.add(home.resolve(".m2/settings.xml"));
    for (String name : List.of("MAVEN_HOME", "M2_HOME")) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        files.add(home.getFileSystem().getPath(v, "conf", "settings.xml"));
      }
    }
    for (Path file : files) {
      Document doc = xml(file);
      if (doc == null) {
        continue;
      }
      for (String element : List.of("mirror", "repository", "pluginRepository")) {
        NodeList nodes = doc.getElementsByTagName(element);
        for (int i = 0; i < nodes.getLength(); i++) {
          Element e = (Element) nodes.item(i);
          String url = child(e, "url");
          if (url != null && !url.isBlank()) {
            String id = child(e, "id");
            out.add(
                new Found(
                    sanitize(url.strip()),
                    file + " " + element + (id == null ? "" : " '" + id.strip() + "'")));
          }
        }
      }
    }
    return out;
  }

  /** cargo: source replacement and alternative registries of {@code CARGO_HOME/config.toml}. */
  static List<Found> cargoRegistries(Path cargoHome) {
    List<Found> out = new ArrayList<>();
    for (String name : List.of("config.toml", "config")) {
      Path file = cargoHome.resolve(name);
      JsonNode root = toml(file);
      if (root == null) {
        continue;
      }
      root.path("source")
          .properties()
          .forEach(
              e -> {
                for (String key : List.of("registry", "git")) {
                  String url = e.getValue().path(key).asString("");
                  if (!url.isBlank()) {
                    out.add(new Found(sanitize(url), file + " source." + e.getKey() + "." + key));
                  }
                }
              });
      root.path("registries")
          .properties()
          .forEach(
              e -> {
                String url = e.getValue().path("index").asString("");
                if (!url.isBlank()) {
                  out.add(new Found(sanitize(url), file + " registries." + e.getKey() + ".index"));
                }
              });
    }
    return out;
  }

  /** Whether a cargo configuration file holds a token or a credential provider. */
  static boolean cargoConfigHoldsSecrets(Path file) {
    for (String line : lines(file)) {
      String l = line.strip().toLowerCase(Locale.ROOT);
      if (l.startsWith("token") || l.contains("credential") || l.contains("secret-key")) {
        return true;
      }
    }
    return false;
  }

  /** Go: {@code GOPROXY} from the environment, else from go's own env file. */
  static List<Found> goProxies(Map<String, String> env, Path home) {
    String v = env.get("GOPROXY");
    String source = "$GOPROXY";
    if (v == null || v.isBlank()) {
      Path file = goEnvFile(env, home);
      source = file + " GOPROXY";
      v = goEnv(file).get("GOPROXY");
    }
    List<Found> out = new ArrayList<>();
    if (v != null) {
      for (String entry : v.split("[,|]")) {
        String e = entry.strip();
        if (e.contains("://")) {
          out.add(new Found(sanitize(e), source));
        }
      }
    }
    return out;
  }

  /** go's env file: {@code GOENV}, else {@code $XDG_CONFIG_HOME/go/env} or ~/.config/go/env. */
  static Path goEnvFile(Map<String, String> env, Path home) {
    String goenv = env.get("GOENV");
    if (goenv != null && !goenv.isBlank() && !goenv.equals("off")) {
      return home.getFileSystem().getPath(goenv);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    return xdg != null && !xdg.isBlank()
        ? home.getFileSystem().getPath(xdg, "go", "env")
        : home.resolve(".config/go/env");
  }

  /** The {@code NAME=VALUE} lines of go's env file. */
  static Map<String, String> goEnv(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return out;
  }

  /**
   * {@code url} without userinfo, query or fragment (where tokens are written); a value that is no
   * URL is returned as it is (it becomes no network entry).
   */
  static String sanitize(String url) {
    String prefix = "";
    String rest = url;
    int plus = url.indexOf('+');
    int scheme = url.indexOf("://");
    if (plus > 0 && scheme > plus) {
      // cargo's sparse+https://, git+https://
      prefix = url.substring(0, plus + 1);
      rest = url.substring(plus + 1);
    }
    try {
      URI u = new URI(rest);
      if (u.getScheme() == null || u.getHost() == null) {
        return url.contains("@") ? "(a URL that could not be read without its userinfo)" : url;
      }
      return prefix
          + new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null);
    } catch (URISyntaxException e) {
      return url.contains("@") ? "(a URL that could not be read without its userinfo)" : url;
    }
  }

  /** The allow-list entry for a URL: its host, with its port when one is written. */
  static Optional<String> netEntry(String url) {
    String rest =
        url.contains("+") && url.indexOf('+') < url.indexOf("://")
            ? url.substring(url.indexOf('+') + 1)
            : url;
    try {
      URI u = new URI(rest);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
        return Optional.empty();
      }
      return Optional.of(u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  static List<String> lines(Path file) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
        return List.of();
      }
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static JsonNode toml(Path file) {
    List<String> lines = lines(file);
    if (lines.isEmpty()) {
      return null;
    }
    try {
      return new TomlMapper().readTree(String.join("\n", lines));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Document xml(Path file) {
    List<String> lines = lines(file);
    if (lines.isEmpty()) {
      return null;
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder()
          .parse(new InputSource(new StringReader(String.join("\n", lines))));
    } catch (Exception e) {
      return null;
    }
  }

  private static String child(Element e, String name) {
    NodeList nodes = e.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element c && c.getTagName().equals(name)) {
        return c.getTextContent();
      }
    }
    return null;
  }
}
