package dev.switchboard.routing;

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
 */
public final class DirectRoutes {

    private record Enabled(Provider provider, URI baseUrl, String apiKey) {}

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
                enabled.put(p.id(), new Enabled(p, null, null));
                continue;
            }
            String key = e.apiKeyEnv() == null ? null : blankToNull(env.apply(e.apiKeyEnv()));
            String base = e.baseUrlEnv() == null ? null : blankToNull(env.apply(e.baseUrlEnv()));
            boolean on = key != null || (!e.keyRequired() && base != null);
            String url = base != null ? base : e.defaultBaseUrl();
            if (on && url != null) enabled.put(p.id(), new Enabled(p, URI.create(stripSlash(url)), key));
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
        d = build(e, model);
        if (built.size() < MAX_CACHED) built.putIfAbsent(name, d);
        return d;
    }

    private Deployment build(Enabled e, String model) {
        DeploymentSpec spec = new DeploymentSpec("direct_" + e.provider.id(), e.provider.id() + "/" + model, e.provider.id(), model,
                Map.of(), e.baseUrl == null ? null : e.baseUrl.toString(), null, 1, null, null, null, null, null, Map.of(), true, "env");
        return new Deployment(spec, e.provider, e.baseUrl, e.apiKey, timeouts);
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
