package dev.switchboard.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML config file: parse, expand {@code ${VAR}} (and {@code ${VAR:-default}}) in string
 * values, bind strictly to the config records (unknown fields are errors), give every entry a
 * stable id derived from its content, then validate. Any problem is one {@link ConfigException}
 * naming where it is.
 */
public final class ConfigLoader {

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .addModule(new JavaTimeModule())
            .addModule(IsoInstants.MODULE) // after JavaTimeModule: a date alone is an instant too
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // maxAttempts: 2.7 is refused, not cut to 2 (a quoted "3" is still a number: ${VAR} expands to text)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Function<String, String> env;
    private final ConfigValidator validator;

    public ConfigLoader(Function<String, String> env, Set<String> availableProviders) {
        this(env, new ConfigValidator(availableProviders));
    }

    public ConfigLoader(Function<String, String> env, ConfigValidator validator) {
        this.env = env;
        this.validator = validator;
    }

    public GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file.toAbsolutePath() + " does not exist");
        } catch (IOException e) {
            // the JDK's messages for these name only the path; say what went wrong
            String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new ConfigException("cannot read config file " + file.toAbsolutePath() + ": " + why);
        }
        return parse(text);
    }

    public GatewayConfig parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file is not valid YAML: " + oneLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) return GatewayConfig.EMPTY;
        if (!root.isObject()) throw new ConfigException("config file must be a mapping of sections");
        ObjectNode expanded = (ObjectNode) expand(root, "");
        Map<String, JsonNode> later = laterSections(expanded);
        expanded.path("models").properties().forEach(m -> entries("models." + m.getKey(), m.getValue(), "id", "publicModel", "source"));
        for (String section : new String[] {"teams", "keys", "fallbacks"}) entries(section, expanded.path(section), "id", "source");
        GatewayConfig raw;
        try {
            raw = YAML.treeToValue(expanded, GatewayConfig.class);
        } catch (JsonMappingException e) {
            throw new ConfigException(describe(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file: " + e.getOriginalMessage());
        }
        GatewayConfig config = withIds(raw, later);
        validator.validate(config);
        return config;
    }

    /**
     * The YAML parser's message on one line, as every refusal is (docs/cli.md): its quoted source
     * lines and their {@code ^} markers left out, the rest (what, where) kept.
     */
    static String oneLine(String message) {
        if (message == null) return "";
        StringBuilder out = new StringBuilder();
        for (String line : message.split("\\R")) {
            if (line.startsWith("  ") || line.isBlank() || line.trim().equals("^")) continue;
            if (!out.isEmpty()) out.append(' ');
            out.append(line.trim());
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ':') end--;
        return out.substring(0, end);
    }

    private JsonNode expand(JsonNode node, String path) {
        if (node.isTextual()) return TextNode.valueOf(expandText(node.textValue(), path));
        // tpm: 2e6 and weight: 2.0 are whole numbers as written in YAML; 2.7 stays a fraction, refused where a whole number goes
        if (node.isFloatingPointNumber() && Math.rint(node.doubleValue()) == node.doubleValue() && Math.abs(node.doubleValue()) < 0x1p53) {
            return com.fasterxml.jackson.databind.node.LongNode.valueOf((long) node.doubleValue());
        }
        if (node.isObject()) {
            ObjectNode out = ((ObjectNode) node).objectNode();
            node.properties().forEach(e -> out.set(e.getKey(), expand(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = ((ArrayNode) node).arrayNode();
            for (int i = 0; i < node.size(); i++) out.add(expand(node.get(i), path + "[" + i + "]"));
            return out;
        }
        return node;
    }

    private String expandText(String value, String path) {
        Matcher m = VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            // as in the shell: ${VAR} needs VAR set (empty counts as set); ${VAR:-d} takes d when VAR is unset or empty
            String v = env.apply(m.group(1));
            if (m.group(2) != null) {
                if (v == null || v.isEmpty()) v = m.group(2);
            } else if (v == null) {
                throw new ConfigException(path + ": environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Takes the top-level sections this build does not read out of {@code root}, in file order.
     * CONTRACT.md has them kept, not refused (a file written for a later build still starts this
     * one); a name one edit from a section this build reads (a letter missing, extra, wrong, or two
     * swapped: {@code modles}, {@code key}) is a typo, and refused. Names further off
     * ({@code tags}, {@code tests}) may be sections of their own.
     */
    private static Map<String, JsonNode> laterSections(ObjectNode root) {
        Map<String, JsonNode> later = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (GatewayConfig.SECTIONS.contains(name)) continue;
            for (String known : GatewayConfig.SECTIONS) {
                if (distance(name, known) <= 1) throw new ConfigException("unknown section '" + name + "' (did you mean '" + known + "'?)");
            }
            later.put(name, root.remove(name));
        }
        return later;
    }

    /** Edits between two short names: letters inserted, deleted or replaced, and two neighbours swapped (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * An empty list entry ({@code - ~}) is a mistake to name, not something to skip; so is a field
     * the admin API shows but the file does not take ({@code managed}: ids and sources the gateway
     * gives, a deployment's public model, which is its key under {@code models}), which the records
     * would otherwise bind and drop.
     */
    private static void entries(String at, JsonNode list, String... managed) {
        if (!list.isArray()) return;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).isNull()) throw new ConfigException(at + "[" + i + "]: must be a mapping, not empty");
            for (String field : managed) {
                if (list.get(i).has(field)) throw new ConfigException(at + "[" + i + "]: unknown field '" + field + "'");
            }
        }
    }

    /** Stable, content-derived ids, so that instances loading one file agree on them. */
    private static GatewayConfig withIds(GatewayConfig raw, Map<String, JsonNode> later) {
        Map<String, List<DeploymentSpec>> models = new LinkedHashMap<>();
        raw.models().forEach((publicModel, deployments) -> {
            List<DeploymentSpec> out = new ArrayList<>();
            Map<String, Integer> seen = new java.util.HashMap<>();
            for (DeploymentSpec d : deployments == null ? List.<DeploymentSpec>of() : deployments) {
                String identity = publicModel + "\n" + d.provider() + "\n" + d.upstreamModel() + "\n" + d.baseUrl();
                int n = seen.merge(identity, 1, Integer::sum);
                out.add(d.with("dep_" + digest(identity + "\n" + n), publicModel, "file"));
            }
            models.put(publicModel, List.copyOf(out));
        });
        List<TeamSpec> teams = raw.teams().stream()
                .map(t -> t.with("team_" + digest("team\n" + t.name()), "file"))
                .toList();
        List<KeySpec> keys = raw.keys().stream()
                .map(k -> new KeySpec("key_" + digest("key\n" + k.name()), k.name(), k.key(), k.team(), k.allowedModels(),
                        k.budget(), k.limits(), k.systemPrompt(), k.expiresAt(), k.enabled(), k.metadata()))
                .toList();
        // not Map.copyOf: its iteration order is unspecified, and GatewayConfig promises file order
        List<FallbackSpec> fallbacks = raw.fallbacks().stream().map(f -> f.withSource("file")).toList();
        return new GatewayConfig(Collections.unmodifiableMap(models), teams, keys, fallbacks, raw.router(), later);
    }

    static String digest(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) path.append('.');
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String msg = e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            msg = "unknown field '" + u.getPropertyName() + "'";
            path.setLength(Math.max(0, path.length() - u.getPropertyName().length() - 1));
            return (path.isEmpty() ? "" : path + ": ") + msg;
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null) {
            // Jackson quotes the value it could not take, and after ${VAR} expansion that may be a secret
            msg = "must be " + expected(m.getTargetType());
        } else {
            int cut = msg.indexOf(" (");
            if (cut > 0 && msg.startsWith("Cannot")) msg = msg.substring(0, cut);
        }
        return (path.isEmpty() ? "config file" : path.toString()) + ": " + msg;
    }

    /** What a field of this type takes, in words. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
        if (type == Double.class || type == double.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (type == java.time.Instant.class) return "a date-time (ISO 8601, e.g. 2027-01-31T00:00:00Z)";
        if (java.util.Collection.class.isAssignableFrom(type)) return "a list";
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) return "a mapping";
        return "a " + type.getSimpleName();
    }
}
