package dev.switchboard.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Pricing;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Prices, context windows and capabilities of the current models of each provider, from the
 * {@code prices.json} resource shipped in the jar (no network fetch; sources and date in
 * docs/pricing.md). Loaded once ({@link #standard()}); immutable and thread-safe afterwards.
 *
 * <p><b>Matching</b> an upstream model id to an entry, first hit wins:
 * <ol>
 *   <li>the id itself, or an alias of an entry (lower-cased);</li>
 *   <li>then with a path prefix ({@code models/…}, {@code publishers/google/models/…}) and a
 *       version after {@code @} (Vertex: {@code claude-sonnet-4-5@20250929}) removed;</li>
 *   <li>then stripping, one after another, a dated or versioned tail: {@code -2024-08-06},
 *       {@code -20241022}, {@code -latest}, {@code -preview-05-20}, {@code -001}, {@code -2411}.</li>
 * </ol>
 * Azure reads OpenAI's table (its {@code upstreamModel} is an Azure deployment name, so only
 * names that are OpenAI model ids match); Vertex reads Gemini's, then Anthropic's. Bedrock ids
 * lose an ARN's path, a cross-region prefix ({@code us.}, {@code eu.}, {@code global.} …) and the
 * {@code -v1:0} tail; an id not in Bedrock's own table is looked up by its vendor
 * ({@code anthropic.claude-…} in Anthropic's table: Bedrock bills those at Anthropic's prices).
 * A prefix that is not a dated tail never matches ({@code gpt-4o-audio-preview} is not {@code gpt-4o}).
 *
 * <p><b>A deployment's {@code pricing}</b> overrides the entry field by field. Without an entry
 * it must give at least input and output; cached input and cache writes then cost as input, and
 * reasoning as output.
 */
public final class PriceCatalog {

    /** One model of the catalog. {@code maxOutputTokens} is 0 for embedding models. */
    public record Model(String provider, String id, Price price, long contextWindow, long maxOutputTokens, Set<String> capabilities) {}

    /** A deployment's price in force and where it comes from: {@code deployment}, {@code catalog} or {@code none}. */
    public record Effective(Optional<Price> price, String source, Optional<Model> catalogEntry) {}

    private static final Pattern[] TAILS = {
            Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$"), Pattern.compile("-\\d{8}$"), Pattern.compile("-latest$"),
            Pattern.compile("-preview-\\d{2}-\\d{2}$"), Pattern.compile("-\\d{3}$"), Pattern.compile("-\\d{4}$")};
    private static final Pattern BEDROCK_REGION = Pattern.compile("^(us|eu|apac|au|jp|ca|global|us-gov)\\.(?=[a-z0-9-]+\\.)");
    private static final Pattern BEDROCK_VERSION = Pattern.compile("(-v\\d+)?(:\\d+)?$");

    private static final class Holder {
        static final PriceCatalog STANDARD = load();
    }

    private final String asOf;
    /** provider → (lower-cased id or alias → entry). */
    private final Map<String, Map<String, Model>> tables;
    /** provider → the providers whose tables it reads. */
    private final Map<String, List<String>> sameAs;
    /** Bedrock vendor prefix → the provider whose table prices it. */
    private final Map<String, String> bedrockVendors;
    /** Lookups by provider and model id; bounded, since direct routing lets a client name any model. */
    private final Cache<String, Optional<Model>> lookups = Caffeine.newBuilder().maximumSize(10_000).build();

    private PriceCatalog(String asOf, Map<String, Map<String, Model>> tables, Map<String, List<String>> sameAs, Map<String, String> bedrockVendors) {
        this.asOf = asOf;
        this.tables = tables;
        this.sameAs = sameAs;
        this.bedrockVendors = bedrockVendors;
    }

    /** The catalog shipped in the jar, parsed on first use. */
    public static PriceCatalog standard() {
        return Holder.STANDARD;
    }

    private static PriceCatalog load() {
        try (InputStream in = PriceCatalog.class.getResourceAsStream("/prices.json")) {
            if (in == null) throw new IllegalStateException("prices.json is missing from the classpath");
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("prices.json cannot be read: " + e.getMessage(), e);
        }
    }

    /** A catalog from JSON in {@code prices.json}'s shape; a bad entry fails naming it. */
    public static PriceCatalog parse(byte[] json) {
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (IOException e) {
            throw new IllegalStateException("prices.json is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Map<String, Model>> tables = new HashMap<>();
        Map<String, List<String>> sameAs = new HashMap<>();
        Map<String, String> vendors = new HashMap<>();
        for (Map.Entry<String, JsonNode> p : root.path("providers").properties()) {
            String provider = p.getKey();
            JsonNode body = p.getValue();
            if (body.has("sameAs")) {
                List<String> refs = new ArrayList<>();
                body.get("sameAs").forEach(n -> refs.add(n.asText()));
                sameAs.put(provider, List.copyOf(refs));
            }
            body.path("vendors").properties().forEach(v -> vendors.put(v.getKey(), v.getValue().asText()));
            Map<String, Model> table = new HashMap<>();
            for (Map.Entry<String, JsonNode> m : body.path("models").properties()) {
                Model model = model(provider, m.getKey(), m.getValue());
                table.put(m.getKey().toLowerCase(Locale.ROOT), model);
                m.getValue().path("aliases").forEach(a -> table.putIfAbsent(a.asText().toLowerCase(Locale.ROOT), model));
            }
            tables.put(provider, Map.copyOf(table));
        }
        return new PriceCatalog(root.path("asOf").asText(null), Map.copyOf(tables), Map.copyOf(sameAs), Map.copyOf(vendors));
    }

    private static Model model(String provider, String id, JsonNode n) {
        try {
            if (!n.path("input").isNumber() || !n.path("output").isNumber()) {
                throw new IllegalArgumentException("input and output prices are required");
            }
            double input = n.get("input").asDouble();
            Price price = new Price(input, n.get("output").asDouble(), n.path("cachedInput").asDouble(input),
                    n.path("cacheWrite").asDouble(input), n.path("reasoning").isNumber() ? n.get("reasoning").asDouble() : Double.NaN);
            Set<String> caps = new LinkedHashSet<>();
            n.path("capabilities").forEach(c -> caps.add(c.asText()));
            return new Model(provider, id, price, n.path("contextWindow").asLong(0), n.path("maxOutputTokens").asLong(0), Set.copyOf(caps));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("prices.json: " + provider + "/" + id + ": " + e.getMessage(), e);
        }
    }

    /** The month the catalog's prices were taken from the providers' pages ({@code 2026-11}). */
    public String asOf() {
        return asOf;
    }

    /** The deployment's price in force: its own {@code pricing} over the catalog's entry; empty when nothing prices it. */
    public Optional<Price> price(Deployment d) {
        return price(d.spec());
    }

    /** Whether the catalog alone prices {@code spec}'s model, whatever its own {@code pricing} says. */
    public boolean pricesAlone(DeploymentSpec spec) {
        return effective(spec.provider(), spec.upstreamModel(), null).price().isPresent();
    }

    public Optional<Price> price(DeploymentSpec spec) {
        return effective(spec).price();
    }

    public Effective effective(DeploymentSpec spec) {
        return effective(spec.provider(), spec.upstreamModel(), spec.pricing());
    }

    public Effective effective(String provider, String upstreamModel, Pricing override) {
        Optional<Model> entry = model(provider, upstreamModel);
        Price base = entry.map(Model::price).orElse(null);
        boolean overrides = override != null && (override.inputPerMTokens() != null || override.outputPerMTokens() != null
                || override.cachedInputPerMTokens() != null || override.cacheWritePerMTokens() != null);
        if (!overrides) return new Effective(Optional.ofNullable(base), base == null ? "none" : "catalog", entry);
        Double input = pick(override.inputPerMTokens(), base == null ? null : base.inputPerMTokens());
        Double output = pick(override.outputPerMTokens(), base == null ? null : base.outputPerMTokens());
        if (input == null || output == null) return new Effective(Optional.empty(), "none", entry);
        double cached = pick(override.cachedInputPerMTokens(), base == null ? input : base.cachedInputPerMTokens());
        double writes = pick(override.cacheWritePerMTokens(), base == null ? input : base.cacheWritePerMTokens());
        Price price = new Price(input, output, cached, writes, base == null ? Double.NaN : base.reasoningPerMTokens());
        return new Effective(Optional.of(price), "deployment", entry);
    }

    /** The catalog's entry for a provider's model id, by the matching rules above. */
    public Optional<Model> model(String provider, String upstreamModel) {
        if (provider == null || upstreamModel == null) return Optional.empty();
        return lookups.get(provider + '\n' + upstreamModel, k -> find(provider, upstreamModel.trim().toLowerCase(Locale.ROOT)));
    }

    public OptionalLong contextWindow(Deployment d) {
        return positive(model(d.spec().provider(), d.upstreamModel()).map(Model::contextWindow));
    }

    public OptionalLong maxOutputTokens(Deployment d) {
        return positive(model(d.spec().provider(), d.upstreamModel()).map(Model::maxOutputTokens));
    }

    private Optional<Model> find(String provider, String id) {
        if (provider.equals("bedrock")) return bedrock(id);
        for (String table : sameAs.getOrDefault(provider, List.of(provider))) {
            Optional<Model> hit = inTable(table, id);
            if (hit.isPresent()) return hit;
        }
        return Optional.empty();
    }

    private Optional<Model> inTable(String provider, String id) {
        Map<String, Model> table = tables.get(provider);
        if (table == null) return Optional.empty();
        for (String candidate : candidates(id)) {
            Model m = table.get(candidate);
            if (m != null) return Optional.of(m);
        }
        // a provider whose every model costs the same (the simulator) prices them all with "*"
        return Optional.ofNullable(table.get("*"));
    }

    private Optional<Model> bedrock(String id) {
        String s = id;
        if (s.startsWith("arn:")) s = s.substring(s.lastIndexOf('/') + 1);
        s = BEDROCK_REGION.matcher(s).replaceFirst("");
        s = BEDROCK_VERSION.matcher(s).replaceFirst("");
        Optional<Model> own = inTable("bedrock", s);
        if (own.isPresent()) return own;
        int dot = s.indexOf('.');
        if (dot <= 0) return Optional.empty();
        String vendor = bedrockVendors.get(s.substring(0, dot));
        return vendor == null ? Optional.empty() : inTable(vendor, s.substring(dot + 1));
    }

    /** The id, then shorter forms of it, most specific first. */
    static List<String> candidates(String id) {
        List<String> out = new ArrayList<>(6);
        String s = id;
        out.add(s);
        int models = s.lastIndexOf("models/");
        if (models >= 0) {
            s = s.substring(models + "models/".length());
            out.add(s);
        }
        int at = s.indexOf('@');
        if (at > 0) {
            s = s.substring(0, at);
            out.add(s);
        }
        for (Pattern tail : TAILS) {
            var m = tail.matcher(s);
            if (m.find() && m.start() > 0) {
                s = s.substring(0, m.start());
                out.add(s);
            }
        }
        return out;
    }

    private static Double pick(Double override, Double base) {
        return override != null ? override : base;
    }

    private static OptionalLong positive(Optional<Long> v) {
        return v.filter(n -> n > 0).map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
