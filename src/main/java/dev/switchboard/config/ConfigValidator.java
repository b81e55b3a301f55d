package dev.switchboard.config;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a config for the mistakes that would otherwise surface on the request path: unknown
 * providers, missing credentials, bad weights, unknown teams, duplicate names. The first problem
 * found is thrown, with the path of the entry that has it.
 */
public final class ConfigValidator {

    static final List<String> STRATEGIES = List.of("simple-shuffle", "least-busy", "latency-based", "usage-based", "cost-based", "health-aware");
    static final List<String> FALLBACK_REASONS = List.of("general", "rate_limit", "context_window", "content_policy");
    static final List<String> PERIODS = List.of("daily", "weekly", "monthly", "total");
    /** The credential fields each provider reads (CONTRACT.md); every other provider reads {@code apiKey} alone. */
    static final Map<String, List<String>> CREDENTIALS = Map.of(
            "bedrock", List.of("accessKeyId", "secretAccessKey", "sessionToken", "region"),
            "vertex", List.of("serviceAccountJson", "project", "location"));
    private static final List<String> API_KEY = List.of("apiKey");
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
    private static final Pattern PROVIDER_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}/\\*");

    private final Set<String> availableProviders;
    /** Whether the price catalog alone prices a deployment (with no pricing of its own). */
    private final Predicate<DeploymentSpec> catalogPrices;

    /**
     * @param catalogPrices whether the price catalog alone prices a deployment: a pricing that sets
     *                      only some prices is refused for one it does not, as it would price nothing
     */
    public ConfigValidator(Set<String> availableProviders) {
        this(availableProviders, d -> true);
    }

    public ConfigValidator(Set<String> availableProviders, Predicate<DeploymentSpec> catalogPrices) {
        this.availableProviders = availableProviders;
        this.catalogPrices = catalogPrices;
    }

    public void validate(GatewayConfig c) {
        c.models().forEach((name, deployments) -> {
            String at = "models." + name;
            publicModel(at, name);
            if (deployments.isEmpty()) fail(at, "needs at least one deployment");
            for (int i = 0; i < deployments.size(); i++) deployment(at + "[" + i + "]", deployments.get(i));
        });
        Set<String> teamNames = new HashSet<>();
        for (int i = 0; i < c.teams().size(); i++) {
            TeamSpec t = c.teams().get(i);
            String at = "teams[" + i + "]";
            require(at + ".name", t.name());
            if (!teamNames.add(t.name())) fail(at + ".name", "team '" + t.name() + "' is declared twice");
            budget(at + ".budget", t.budget());
            limits(at + ".limits", t.limits());
        }
        Set<String> keyNames = new HashSet<>();
        Set<String> keyValues = new HashSet<>();
        for (int i = 0; i < c.keys().size(); i++) {
            KeySpec k = c.keys().get(i);
            String at = "keys[" + i + "]";
            require(at + ".name", k.name());
            if (!keyNames.add(k.name())) fail(at + ".name", "key '" + k.name() + "' is declared twice");
            if (k.key() != null) {
                if (k.key().length() < 32 || k.key().chars().anyMatch(Character::isWhitespace)) {
                    fail(at + ".key", "a fixed key must be at least 32 characters without whitespace");
                }
                if (!keyValues.add(k.key())) fail(at + ".key", "the same key value is given to two keys");
            }
            if (k.team() != null && !teamNames.contains(k.team())) fail(at + ".team", "unknown team '" + k.team() + "'");
            for (String m : k.allowedModels()) {
                if (!allowedModel(m)) fail(at + ".allowedModels", "entries must be model names or provider/* patterns ('" + m + "' is neither)");
            }
            budget(at + ".budget", k.budget());
            limits(at + ".limits", k.limits());
        }
        Set<String> chains = new HashSet<>();
        for (int i = 0; i < c.fallbacks().size(); i++) {
            FallbackSpec f = c.fallbacks().get(i);
            fallback("fallbacks[" + i + "]", f);
            // one chain per model and reason: a second would replace the first without a word
            if (!chains.add(f.primaryModel() + "\n" + f.reason())) {
                fail("fallbacks[" + i + "]", "a second chain for '" + f.primaryModel() + "' and reason '" + f.reason() + "'; put its targets in one");
            }
        }
        if (c.router() != null) router("router", c.router());
    }

    public static void fallback(String at, FallbackSpec f) {
        require(at + ".primaryModel", f.primaryModel());
        publicModel(at + ".primaryModel", f.primaryModel());
        // Set.of(...).contains(null) throws: test for null first
        if (f.reason() == null || !FALLBACK_REASONS.contains(f.reason())) fail(at + ".reason", "must be one of " + FALLBACK_REASONS);
        if (f.targets().isEmpty() || f.targets().size() > 5) fail(at + ".targets", "needs 1 to 5 targets");
        if (f.targets().stream().anyMatch(t -> t == null || t.isBlank())) fail(at + ".targets", "entries must be public model names");
        if (new HashSet<>(f.targets()).size() != f.targets().size()) fail(at + ".targets", "has duplicates");
        if (f.targets().contains(f.primaryModel())) fail(at + ".targets", "must not contain the primary model itself");
    }

    /**
     * What is wrong with a provider's base URL (a deployment's {@code baseUrl}, a
     * {@code <PROVIDER>_BASE_URL}), or null: it must be an http(s) URL with a host, and carry no
     * user or password (it is shown by the admin API and stored in the clear; secrets go in
     * credentials).
     */
    public static String baseUrlProblem(String url) {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
                return "must be an http(s) URL";
            }
            if (u.getRawUserInfo() != null) return "must not carry a user or password (put secrets in credentials)";
            return null;
        } catch (IllegalArgumentException e) {
            return "is not a valid URL";
        }
    }

    /** An entry of a key's {@code allowedModels}: a model name (public, or {@code provider/model}), or {@code provider/*}. */
    public static boolean allowedModel(String entry) {
        return entry != null && (MODEL_NAME.matcher(entry).matches() || PROVIDER_PATTERN.matcher(entry).matches());
    }

    public static void publicModel(String at, String name) {
        if (name == null || !MODEL_NAME.matcher(name).matches()) fail(at, "a public model name is 1-128 of [A-Za-z0-9._:/@-]");
    }

    public void deployment(String at, DeploymentSpec d) {
        require(at + ".provider", d.provider());
        if (!availableProviders.contains(d.provider())) {
            fail(at + ".provider", "provider '" + d.provider() + "' is not available in this build (available: "
                    + String.join(", ", availableProviders.stream().sorted().toList()) + ")");
        }
        require(at + ".upstreamModel", d.upstreamModel());
        List<String> fields = CREDENTIALS.getOrDefault(d.provider(), API_KEY);
        for (Map.Entry<String, String> c : d.credentials().entrySet()) {
            String field = c.getKey();
            if (!fields.contains(field)) {
                fail(at + ".credentials." + field, "is not a credential of provider '" + d.provider() + "' (it reads "
                        + String.join(", ", fields) + ")");
            }
            // what goes into a header must be one line; a service account's JSON is read, not sent
            if (!field.equals("serviceAccountJson") && c.getValue() != null && hasControl(c.getValue().strip())) {
                fail(at + ".credentials." + field, "must not contain a line break or other control character");
            }
        }
        if (d.weight() < 0) fail(at + ".weight", "must not be negative");
        positive(at + ".rpmLimit", d.rpmLimit());
        positive(at + ".tpmLimit", d.tpmLimit());
        positive(at + ".maxConcurrency", d.maxConcurrency() == null ? null : d.maxConcurrency().longValue());
        if (d.baseUrl() != null) {
            String problem = baseUrlProblem(d.baseUrl());
            if (problem != null) fail(at + ".baseUrl", problem);
        }
        if (d.pricing() != null) {
            Pricing p = d.pricing();
            price(at + ".pricing.inputPerMTokens", p.inputPerMTokens());
            price(at + ".pricing.outputPerMTokens", p.outputPerMTokens());
            price(at + ".pricing.cachedInputPerMTokens", p.cachedInputPerMTokens());
            price(at + ".pricing.cacheWritePerMTokens", p.cacheWritePerMTokens());
            // a pricing that prices nothing would leave the deployment unpriced without a word
            if ((p.inputPerMTokens() == null || p.outputPerMTokens() == null) && !catalogPrices.test(d)) {
                fail(at + ".pricing", "the price catalog does not know '" + d.upstreamModel()
                        + "', so pricing must set both inputPerMTokens and outputPerMTokens");
            }
        }
        timeouts(at + ".timeouts", d.timeouts());
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Map.Entry<String, String> h : d.extraHeaders().entrySet()) {
            if (!h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) fail(at + ".extraHeaders", "'" + h.getKey() + "' is not a header name");
            String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
            if (FRAMING_HEADERS.contains(name)) {
                fail(at + ".extraHeaders." + h.getKey(), "is a framing or connection header, which the gateway sets for each request");
            }
            // named in lower case: which of the two spellings comes second depends on the map's order
            if (!names.add(name)) fail(at + ".extraHeaders." + name, "is given twice (header names are case-insensitive)");
            if (h.getValue() != null && hasControl(h.getValue().replace('\t', ' '))) {
                fail(at + ".extraHeaders." + h.getKey(), "must not contain a line break or other control character");
            }
        }
    }

    /**
     * Headers that frame the request or manage its connection: added to every upstream request, a
     * wrong {@code content-length} or {@code transfer-encoding} would corrupt each body (and split
     * one request into two on a kept-alive connection).
     */
    static final java.util.Set<String> FRAMING_HEADERS = java.util.Set.of("content-length", "transfer-encoding", "content-encoding",
            "host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect");

    /** Whether {@code s} holds a C0 control character or DEL, which no header value may carry. */
    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) return true;
        }
        return false;
    }

    public static void router(String at, RouterSettings r) {
        if (r.strategy() != null && !STRATEGIES.contains(r.strategy())) fail(at + ".strategy", "must be one of " + STRATEGIES);
        if (r.modelOverrides() != null) {
            r.modelOverrides().forEach((m, o) -> {
                if (o == null || o.strategy() == null || !STRATEGIES.contains(o.strategy())) fail(at + ".modelOverrides." + m + ".strategy", "must be one of " + STRATEGIES);
            });
        }
        if (r.maxAttempts() != null && (r.maxAttempts() < 1 || r.maxAttempts() > 10)) fail(at + ".maxAttempts", "must be between 1 and 10");
        if (r.allowedFails() != null && r.allowedFails() < 1) fail(at + ".allowedFails", "must be at least 1");
        if (r.failureWindowSeconds() != null && r.failureWindowSeconds() < 1) fail(at + ".failureWindowSeconds", "must be at least 1");
        // the bounds are compared as they will hold, a default standing in for the one not set
        RouterSettings effective = r.withDefaults();
        if (r.backoff() != null) {
            positive(at + ".backoff.baseMs", r.backoff().baseMs());
            positive(at + ".backoff.maxMs", r.backoff().maxMs());
            if (effective.backoff().baseMs() > effective.backoff().maxMs()) {
                if (r.backoff().baseMs() != null) {
                    fail(at + ".backoff.baseMs", "must not exceed backoff.maxMs (" + effective.backoff().maxMs() + ")");
                }
                fail(at + ".backoff.maxMs", "must not be below backoff.baseMs (" + effective.backoff().baseMs() + ")");
            }
        }
        if (r.cooldown() != null) {
            positive(at + ".cooldown.initialSeconds", r.cooldown().initialSeconds());
            positive(at + ".cooldown.maxSeconds", r.cooldown().maxSeconds());
            if (effective.cooldown().initialSeconds() > effective.cooldown().maxSeconds()) {
                if (r.cooldown().initialSeconds() != null) {
                    fail(at + ".cooldown.initialSeconds", "must not exceed cooldown.maxSeconds (" + effective.cooldown().maxSeconds() + ")");
                }
                fail(at + ".cooldown.maxSeconds", "must not be below cooldown.initialSeconds (" + effective.cooldown().initialSeconds() + ")");
            }
        }
        timeouts(at + ".timeouts", r.timeouts());
        if (r.unsupportedParameters() != null && !List.of("drop", "reject").contains(r.unsupportedParameters())) {
            fail(at + ".unsupportedParameters", "must be drop or reject");
        }
        if (r.redisFailure() != null && !List.of("open", "closed").contains(r.redisFailure())) fail(at + ".redisFailure", "must be open or closed");
        if (r.defaultOutputReservationTokens() != null && r.defaultOutputReservationTokens() < 1) {
            fail(at + ".defaultOutputReservationTokens", "must be at least 1");
        }
    }

    private static void timeouts(String at, Timeouts t) {
        if (t == null) return;
        positive(at + ".connectMs", t.connectMs());
        positive(at + ".firstTokenMs", t.firstTokenMs());
        positive(at + ".idleMs", t.idleMs());
        positive(at + ".totalMs", t.totalMs());
    }

    /** A price in USD per million tokens: absent, or a finite number not below zero (1e400 reads as Infinity). */
    private static void price(String at, Double v) {
        if (v != null && (v < 0 || !Double.isFinite(v))) fail(at, "must be a non-negative number of USD per million tokens");
    }

    public static void budget(String at, Budget b) {
        if (b == null) return;
        // a number too large for a double (1e400) reads as Infinity: refused like a negative one
        if (b.maxUsd() == null || b.maxUsd() < 0 || !Double.isFinite(b.maxUsd())) fail(at + ".maxUsd", "must be a non-negative amount in USD");
        if (!PERIODS.contains(b.period())) fail(at + ".period", "must be one of " + PERIODS);
    }

    public static void limits(String at, Limits l) {
        if (l == null) return;
        positive(at + ".rpm", l.rpm());
        positive(at + ".tpm", l.tpm());
        positive(at + ".rpd", l.rpd());
        positive(at + ".maxConcurrent", l.maxConcurrent() == null ? null : l.maxConcurrent().longValue());
        positive(at + ".maxTokensPerRequest", l.maxTokensPerRequest() == null ? null : l.maxTokensPerRequest().longValue());
    }

    private static void positive(String at, Long v) {
        if (v != null && v < 1) fail(at, "must be at least 1, got " + v);
    }

    private static void require(String at, String v) {
        if (v == null || v.isBlank()) fail(at, "is required");
    }

    private static void fail(String at, String problem) {
        throw new ConfigException(at, problem);
    }
}
