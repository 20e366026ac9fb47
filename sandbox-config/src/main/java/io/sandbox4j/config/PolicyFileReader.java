package io.sandbox4j.config;

import io.sandbox4j.api.SandboxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.toml.TomlMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a policy file strictly: the same kebab-case keys in TOML, YAML and JSON; an unknown key, a
 * wrong type or an impossible value is an error naming the key and its line, never ignored.
 */
final class PolicyFileReader {
  private static final Map<String, Set<String>> KEYS =
      Map.of(
          "filesystem", Set.of("workspace", "allow-read", "deny-read", "allow-write", "deny-write"),
          "network", Set.of("mode", "allow"),
          "process", Set.of("env"),
          "resources",
              Set.of(
                  "memory", "cpu-time", "timeout", "max-procs", "max-file-size", "max-open-files"),
          "backends", Set.of("use"));

  private final Path file;
  private final String text;
  private final String format;

  PolicyFileReader(Path file, String text) {
    this.file = file;
    this.text = text;
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".toml")) {
      format = "toml";
    } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      format = "yaml";
    } else if (name.endsWith(".json")) {
      format = "json";
    } else {
      throw SandboxException.invalid(
          "policy file " + file + ": unknown format; name it .toml, .yaml, .yml or .json");
    }
  }

  void readInto(PolicySettings s) {
    JsonNode root = parse();
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw error(List.of(), "is empty; it needs at least 'version = 1'");
    }
    if (!root.isObject()) {
      throw error(List.of(), "must be a table/mapping of sections at the top level");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      if (key.equals("version")) {
        JsonNode v = e.getValue();
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != 1) {
          throw error(List.of("version"), "must be 1 (the only policy file version), got " + v);
        }
        continue;
      }
      Set<String> known = KEYS.get(key);
      if (known == null) {
        throw error(
            List.of(key),
            "unknown section; known: version, " + String.join(", ", sorted(KEYS.keySet())));
      }
      JsonNode section = e.getValue();
      if (!section.isObject()) {
        throw error(List.of(key), "must be a table/mapping");
      }
      for (Map.Entry<String, JsonNode> f : section.properties()) {
        if (!known.contains(f.getKey())) {
          throw error(
              List.of(key, f.getKey()),
              "unknown key; known keys of [" + key + "]: " + String.join(", ", sorted(known)));
        }
        apply(s, key, f.getKey(), f.getValue());
      }
    }
  }

  private void apply(PolicySettings s, String section, String key, JsonNode v) {
    List<String> at = List.of(section, key);
    try {
      switch (section + "." + key) {
        case "filesystem.workspace" -> s.workspace(string(at, v));
        case "filesystem.allow-read" -> strings(at, v, s::addAllowRead);
        case "filesystem.deny-read" -> strings(at, v, s::addDenyRead);
        case "filesystem.allow-write" -> strings(at, v, s::addAllowWrite);
        case "filesystem.deny-write" -> strings(at, v, s::addDenyWrite);
        case "network.mode" -> {
          String m = string(at, v);
          if (!m.equals("none") && !m.equals("all") && !m.equals("allow")) {
            throw error(at, "must be \"none\", \"all\" or \"allow\", got \"" + m + "\"");
          }
          s.networkMode = m;
        }
        case "network.allow" -> strings(at, v, s.networkAllow::add);
        case "process.env" -> strings(at, v, s::addEnv);
        case "resources.memory" -> s.memory(sizeText(at, v));
        case "resources.cpu-time" -> s.cpuTime(sizeText(at, v));
        case "resources.timeout" -> s.timeout(sizeText(at, v));
        case "resources.max-procs" -> s.maxProcs(integer(at, v));
        case "resources.max-file-size" -> s.maxFileSize(sizeText(at, v));
        case "resources.max-open-files" -> s.maxOpenFiles(integer(at, v));
        case "backends.use" -> strings(at, v, s::addBackend);
        default -> throw error(at, "unknown key");
      }
    } catch (SandboxException e) {
      if (e.getMessage().startsWith("policy file ")) {
        throw e;
      }
      throw error(at, e.getMessage());
    }
    // Values are checked now too, so a bad value is reported with its line, not later.
    try {
      switch (section + "." + key) {
        case "resources.memory" -> Values.size("memory", s.memory);
        case "resources.max-file-size" -> Values.size("max-file-size", s.maxFileSize);
        case "resources.cpu-time" -> Values.duration("cpu-time", s.cpuTime);
        case "resources.timeout" -> Values.duration("timeout", s.timeout);
        default -> {}
      }
    } catch (SandboxException e) {
      throw error(at, e.getMessage().replaceFirst("^[a-z-]+: ", ""));
    }
  }

  private String string(List<String> at, JsonNode v) {
    if (!v.isString()) {
      throw error(at, "must be a string, got " + kind(v));
    }
    return v.stringValue();
  }

  /** Sizes and durations: a string ("2g", "30s") or a plain number (bytes or seconds). */
  private String sizeText(List<String> at, JsonNode v) {
    if (v.isString()) {
      return v.stringValue();
    }
    if (v.isIntegralNumber()) {
      return v.asString();
    }
    throw error(at, "must be a string such as \"2g\" or \"30s\", got " + kind(v));
  }

  private int integer(List<String> at, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw error(at, "must be a whole number, got " + kind(v));
    }
    if (v.intValue() < 1) {
      throw error(at, "must be at least 1, got " + v.intValue());
    }
    return v.intValue();
  }

  private void strings(List<String> at, JsonNode v, Consumer<String> sink) {
    if (!v.isArray()) {
      throw error(at, "must be a list of strings, got " + kind(v));
    }
    for (JsonNode item : v) {
      if (!item.isString()) {
        throw error(at, "must be a list of strings, but holds " + kind(item));
      }
      sink.accept(item.stringValue());
    }
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "the string \"" + v.stringValue() + "\"";
      case NUMBER -> "the number " + v;
      case BOOLEAN -> "the boolean " + v;
      case ARRAY -> "a list";
      case OBJECT -> "a table";
      case NULL -> "null";
      default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }

  private JsonNode parse() {
    ObjectMapper mapper =
        switch (format) {
          case "toml" -> TomlMapper.builder().build();
          case "yaml" ->
              YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
          default ->
              JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        };
    try {
      return mapper.readTree(text);
    } catch (JacksonException e) {
      TokenStreamLocation loc = e.getLocation();
      String where = loc != null && loc.getLineNr() > 0 ? " line " + loc.getLineNr() : "";
      throw SandboxException.invalid(
          "policy file "
              + file
              + where
              + ": not valid "
              + format.toUpperCase(Locale.ROOT)
              + ": "
              + e.getOriginalMessage());
    }
  }

  private SandboxException error(List<String> path, String message) {
    String key = String.join(".", path);
    int line = lineOf(path);
    return SandboxException.invalid(
        "policy file "
            + file
            + (line > 0 ? " line " + line : "")
            + (key.isEmpty() ? "" : ", key '" + key + "'")
            + ": "
            + message);
  }

  /**
   * The line where a key is written. Tree parsers keep no locations, so the key is looked up in the
   * text: after its section header in TOML, as the first key occurrence in YAML and JSON.
   */
  int lineOf(List<String> path) {
    if (path.isEmpty()) {
      return 0;
    }
    String[] lines = text.split("\n", -1);
    String section = path.size() > 1 ? path.get(0) : null;
    String key = path.get(path.size() - 1);
    java.util.regex.Pattern asKey =
        java.util.regex.Pattern.compile(
            "(^|[\\s{,\"'-])[\"']?" + java.util.regex.Pattern.quote(key) + "[\"']?\\s*[=:]");
    boolean inSection = section == null || !format.equals("toml");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].trim();
      if (format.equals("toml") && l.startsWith("[")) {
        String name = l.replaceAll("[\\[\\]\\s\"]", "");
        if (section == null && name.equals(key)) {
          return i + 1;
        }
        inSection = section == null || name.equals(section);
        continue;
      }
      if (inSection && asKey.matcher(l).find()) {
        return i + 1;
      }
    }
    return 0;
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
