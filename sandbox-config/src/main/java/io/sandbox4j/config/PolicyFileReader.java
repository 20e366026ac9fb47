package io.sandbox4j.config;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.toml.TomlFactory;
import tools.jackson.dataformat.toml.TomlMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads a policy file strictly: the same kebab-case keys in TOML, YAML and JSON; an unknown key, a
 * wrong type or an impossible value is an error naming the key and its line, never ignored.
 */
final class PolicyFileReader {
  /** The largest policy file read: far more than any policy needs. */
  static final int MAX_BYTES = 1 << 20;

  /** The most entries one list may hold. */
  static final int MAX_ENTRIES = 10_000;

  /**
   * The deepest nesting read. A policy needs 3 (sections, keys, lists); the parsers' own limit of
   * 500 would let a file spend a great deal of work before any key is checked.
   */
  static final int MAX_DEPTH = 8;

  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();

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

  /**
   * The text of a policy file, read up to {@link #MAX_BYTES} (so a huge file or an endless stream
   * such as a FIFO is refused, not read whole), as strict UTF-8.
   */
  static String text(Path file, Path given) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw unreadable(given, e);
    }
    if (bytes.length > MAX_BYTES) {
      throw SandboxException.invalid(
          "policy file "
              + given
              + ": larger than "
              + MAX_BYTES
              + " bytes (1 MiB), the most a policy file may be");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw unreadable(given, e);
    }
  }

  private static SandboxException unreadable(Path file, Exception e) {
    return SandboxException.invalid(
        "policy file "
            + file
            + ": cannot be read ("
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + ")");
  }

  void readInto(PolicySettings s) {
    JsonNode root = parse();
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw error(List.of(), "is empty; it needs at least 'version = 1'");
    }
    if (!root.isObject()) {
      throw error(List.of(), "must be a table/mapping of sections at the top level");
    }
    if (!root.has("version")) {
      // A later format can then be told apart from this one, rather than misread as it.
      throw error(
          List.of("version"),
          "missing; a policy file says which format it is written in: version = 1 (TOML),"
              + " version: 1 (YAML), \"version\": 1 (JSON)");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String section = e.getKey();
      if (section.equals("version")) {
        JsonNode v = e.getValue();
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != 1) {
          throw error(List.of("version"), "must be 1 (the only policy file version), got " + v);
        }
        continue;
      }
      Optional<Setting> topLevel = Setting.forKey(section);
      if (topLevel.isPresent()) {
        read(s, topLevel.get(), List.of(section), e.getValue());
        continue;
      }
      List<String> known = Setting.keysOf(section);
      if (known.isEmpty()) {
        throw error(
            List.of(section),
            "unknown section; known: version, " + String.join(", ", Setting.sections()));
      }
      JsonNode keys = e.getValue();
      if (!keys.isObject()) {
        throw error(List.of(section), "must be a table/mapping");
      }
      for (Map.Entry<String, JsonNode> f : keys.properties()) {
        List<String> at = List.of(section, f.getKey());
        Setting setting =
            Setting.forKey(section + "." + f.getKey())
                .orElseThrow(
                    () ->
                        error(
                            at,
                            "unknown key; known keys of ["
                                + section
                                + "]: "
                                + String.join(", ", known)));
        read(s, setting, at, f.getValue());
      }
    }
  }

  /** Checks the value's type here; the value itself is checked by the setting, as for flags. */
  private void read(PolicySettings s, Setting setting, List<String> at, JsonNode v) {
    String what = where(at);
    switch (setting.form()) {
      case STRING -> {
        if (!v.isString()) {
          throw error(at, "must be a string, got " + kind(v));
        }
        s.set(setting, v.stringValue(), what);
      }
      case STRINGS -> {
        if (!v.isArray()) {
          throw error(at, "must be a list of strings, got " + kind(v));
        }
        if (v.size() > MAX_ENTRIES) {
          throw error(at, "holds " + v.size() + " entries; at most " + MAX_ENTRIES);
        }
        for (JsonNode item : v) {
          if (!item.isString()) {
            throw error(at, "must be a list of strings, but holds " + kind(item));
          }
          s.set(setting, item.stringValue(), what);
        }
      }
      case AMOUNT -> {
        // A string ("2g", "30s") or a plain number (bytes or seconds).
        if (!v.isString() && !v.isIntegralNumber()) {
          throw error(at, "must be a string such as \"2g\" or \"30s\", got " + kind(v));
        }
        s.set(setting, v.asString(), what);
      }
      case WHOLE -> {
        if (!v.isIntegralNumber()) {
          throw error(at, "must be a whole number, got " + kind(v));
        }
        s.set(setting, v.asString(), what);
      }
      case WHOLES -> {
        if (!v.isArray() || v.size() > MAX_ENTRIES) {
          throw error(at, "must be a list of at most " + MAX_ENTRIES + " whole numbers");
        }
        for (JsonNode item : v) {
          if (!item.isIntegralNumber()) {
            throw error(at, "must be a list of whole numbers, but holds " + kind(item));
          }
          s.set(setting, item.asString(), what);
        }
      }
      case NONE -> throw error(at, "unknown key");
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
          case "toml" ->
              TomlMapper.builder(TomlFactory.builder().streamReadConstraints(LIMITS).build())
                  .build();
          case "yaml" ->
              YAMLMapper.builder(YAMLFactory.builder().streamReadConstraints(LIMITS).build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build();
          default ->
              JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build();
        };
    try {
      if (format.equals("yaml")) {
        refuseAnchorsAndAliases(mapper);
      }
      return mapper.readTree(text);
    } catch (JacksonException e) {
      TokenStreamLocation loc = e.getLocation();
      String where = loc != null && loc.getLineNr() > 0 ? " line " + loc.getLineNr() : "";
      String problem =
          e instanceof StreamConstraintsException
              ? "nested more than "
                  + MAX_DEPTH
                  + " deep; a policy file holds sections of keys, some with lists"
              : "not valid " + format.toUpperCase(Locale.ROOT) + ": " + e.getOriginalMessage();
      throw SandboxException.invalid("policy file " + file + where + ": " + problem);
    }
  }

  /**
   * YAML anchors and aliases are refused: the tree reader turns an alias inside a list into the
   * anchor's name, so {@code deny-read: [&s /secret, *s]} named a path "s" instead. A policy is
   * short enough to write each value out.
   */
  private void refuseAnchorsAndAliases(ObjectMapper mapper) {
    try (JsonParser p = mapper.createParser(text)) {
      while (p.nextToken() != null) {
        if (p instanceof YAMLParser y && (y.isCurrentAlias() || y.getObjectId() != null)) {
          throw SandboxException.invalid(
              "policy file "
                  + file
                  + " line "
                  + y.currentTokenLocation().getLineNr()
                  + ": YAML "
                  + (y.isCurrentAlias() ? "alias" : "anchor")
                  + " '"
                  + (y.isCurrentAlias() ? "*" + y.getString() : "&" + y.getObjectId())
                  + "': anchors and aliases are not supported in policy files; write the value"
                  + " out");
        }
      }
    }
  }

  private SandboxException error(List<String> path, String message) {
    return SandboxException.invalid(where(path) + ": " + message);
  }

  /** {@code policy file F line N, key 'section.key'}: what messages about a key start with. */
  private String where(List<String> path) {
    String key = String.join(".", path);
    int line = lineOf(path);
    return "policy file "
        + file
        + (line > 0 ? " line " + line : "")
        + (key.isEmpty() ? "" : ", key '" + key + "'");
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
}
