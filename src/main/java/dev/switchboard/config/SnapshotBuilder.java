package dev.switchboard.config;

import dev.switchboard.auth.KeyHash;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.DirectRoutes;
import dev.switchboard.routing.ModelPool;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a {@link ConfigSnapshot} from a validated config: resolves each deployment's provider,
 * endpoint (deployment {@code baseUrl}, else {@code <PROVIDER>_BASE_URL}, else the provider's
 * default) and key (deployment credentials, else the provider's key variable), hashes fixed key
 * values, and adds the {@code demo} model on the simulator when the catalog is empty. A
 * deployment that cannot be served is a {@link ConfigException} naming it.
 */
public final class SnapshotBuilder {

    public static final String DEMO_MODEL = "demo";

    private final ProviderRegistry registry;
    private final Function<String, String> env;
    private final Clock clock;

    public SnapshotBuilder(ProviderRegistry registry, Function<String, String> env, Clock clock) {
        this.registry = registry;
        this.env = env;
        this.clock = clock;
    }

    public ConfigSnapshot build(GatewayConfig config, long version) {
        RouterSettings router = config.routerSettings();
        Map<String, ModelPool> models = new LinkedHashMap<>();
        config.models().forEach((name, specs) -> {
            List<Deployment> deployments = specs.stream()
                    .filter(DeploymentSpec::enabled)
                    .map(spec -> resolve(spec, router.timeouts()))
                    .toList();
            models.put(name, new ModelPool(name, deployments));
        });
        if (models.isEmpty()) {
            DeploymentSpec demo = new DeploymentSpec("dep_demo", DEMO_MODEL, "simulator", "simulator-echo", Map.of(), null, null,
                    1, null, null, null, null, null, Map.of(), true, "builtin");
            models.put(DEMO_MODEL, new ModelPool(DEMO_MODEL, List.of(resolve(demo, router.timeouts()))));
        }
        Map<String, KeySpec> keys = new LinkedHashMap<>();
        for (KeySpec k : config.keys()) {
            if (k.key() != null) keys.put(KeyHash.sha256Hex(k.key()), k);
        }
        Map<String, TeamSpec> teams = new LinkedHashMap<>();
        config.teams().forEach(t -> teams.put(t.name(), t));
        return new ConfigSnapshot(version, clock.instant(), Map.copyOf(models), Map.copyOf(keys), Map.copyOf(teams),
                config.fallbacks(), router, new DirectRoutes(registry.all(), env, router.timeouts()));
    }

    Deployment resolve(DeploymentSpec spec, Timeouts routerTimeouts) {
        String at = "models." + spec.publicModel() + " (" + spec.provider() + "/" + spec.upstreamModel() + ")";
        Provider provider = registry.find(spec.provider())
                .orElseThrow(() -> new ConfigException(at + ": provider '" + spec.provider() + "' is not available in this build"));
        ProviderEndpoint e = provider.endpoint();
        Timeouts timeouts = spec.timeouts() == null ? routerTimeouts : spec.timeouts().orElse(routerTimeouts);
        if (e.needsNoNetwork()) return new Deployment(spec, provider, null, null, timeouts);
        String base = spec.baseUrl();
        if (base == null && e.baseUrlEnv() != null) base = blankToNull(env.apply(e.baseUrlEnv()));
        if (base == null) base = e.defaultBaseUrl();
        if (base == null) throw new ConfigException(at + ".baseUrl: provider '" + spec.provider() + "' needs a baseUrl");
        String key = blankToNull(spec.credential("apiKey"));
        if (key == null && e.apiKeyEnv() != null) key = blankToNull(env.apply(e.apiKeyEnv()));
        if (key == null && e.keyRequired()) {
            throw new ConfigException(at + ".credentials.apiKey: provider '" + spec.provider() + "' needs an API key"
                    + (e.apiKeyEnv() != null ? " (in the deployment or " + e.apiKeyEnv() + ")" : ""));
        }
        return new Deployment(spec, provider, URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base), key, timeouts);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
