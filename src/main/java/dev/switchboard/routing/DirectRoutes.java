package dev.switchboard.routing;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Zero-config routing: {@code provider/model} to a provider the environment enables (its key is
 * set, or for keyless local servers its base-URL variable; the simulator always), and bare names
 * by the providers' known prefixes. A public model of the catalog always wins; the router asks
 * here only after it.
 *
 * <p>A provider whose endpoint and credentials are more than a base URL and one key (Bedrock: a
 * region-derived URL and AWS keys) resolves them itself from the environment, by the same
 * {@link Provider#servable} rule as its configured deployments, given a spec of source
 * {@code env} with no credentials of its own; if that finds something missing, the provider is
 * not enabled.
 */
public final class DirectRoutes {

    /** An enabled provider: where it lives and the credentials every direct deployment of it carries. */
    private record Enabled(Provider provider, URI baseUrl, String apiKey, Map<String, String> credentials) {}

    /** Direct deployments already built, so a model named on every request keeps one circuit key and costs no digest. */
    private static final int MAX_CACHED = 4096;

    private final Map<String, Enabled> enabled = new LinkedHashMap<>();
    private final ConcurrentHashMap<String, Deployment> built = new ConcurrentHashMap<>();
    private final Timeouts timeouts;

    public DirectRoutes(Iterable<Provider> providers, Function<String, String> env, Timeouts timeouts) {
        this.timeouts = timeouts;
        for (Provider p : providers) {
            ProviderEndpoint e = p.endpoint();
            if (e.needsNoNetwork()) {
                enabled.put(p.id(), new Enabled(p, null, null, Map.of()));
                continue;
            }
            String key = e.apiKeyEnv() == null ? null : blankToNull(env.apply(e.apiKeyEnv()));
            String base = e.baseUrlEnv() == null ? null : blankToNull(env.apply(e.baseUrlEnv()));
            boolean on = key != null || (!e.keyRequired() && base != null);
            if (!on) continue;
            Deployment own;
            try {
                own = p.servable(spec(p, "", null, Map.of()), env, timeouts);
            } catch (ConfigException incomplete) {
                continue; // e.g. an AWS key id without its secret: not enabled, as without a key
            }
            if (own != null) {
                enabled.put(p.id(), new Enabled(p, own.baseUrl(), own.apiKey(), own.spec().credentials()));
                continue;
            }
            String url = base != null ? base : e.defaultBaseUrl();
            if (url != null) enabled.put(p.id(), new Enabled(p, URI.create(stripSlash(url)), key, Map.of()));
        }
    }

    /** The deployment for {@code provider/model}, or null when that provider is not enabled. */
    public Deployment explicit(String providerId, String model) {
        Enabled e = enabled.get(providerId);
        return e == null || model.isEmpty() ? null : deployment(e, model);
    }

    /** The deployment for a bare name by known prefixes, or null. */
    public Deployment byPrefix(String model) {
        for (Enabled e : enabled.values()) {
            for (String prefix : e.provider.endpoint().directPrefixes()) {
                if (model.startsWith(prefix)) return deployment(e, model);
            }
        }
        return null;
    }

    public boolean isEnabled(String providerId) {
        return enabled.containsKey(providerId);
    }

    private Deployment deployment(Enabled e, String model) {
        String name = e.provider.id() + "/" + model;
        Deployment d = built.get(name);
        if (d != null) return d;
        d = new Deployment(spec(e.provider, model, e.baseUrl, e.credentials), e.provider, e.baseUrl, e.apiKey, timeouts);
        if (built.size() < MAX_CACHED) built.putIfAbsent(name, d);
        return d;
    }

    private static DeploymentSpec spec(Provider p, String model, URI baseUrl, Map<String, String> credentials) {
        return new DeploymentSpec("direct_" + p.id(), p.id() + "/" + model, p.id(), model, credentials,
                baseUrl == null ? null : baseUrl.toString(), null, 1, null, null, null, null, null, Map.of(), true, SOURCE);
    }

    /** The {@code source} of a direct deployment's spec: it comes from the environment. */
    public static final String SOURCE = "env";

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
