package dev.switchboard.config;

import dev.switchboard.auth.VirtualKey;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.DirectRoutes;
import dev.switchboard.routing.ModelPool;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

    /** A snapshot of a config file alone (no store): {@code config check} and tests. */
    public ConfigSnapshot build(GatewayConfig config, long version) {
        return build(ConfigState.fromFile(config, null), version, null);
    }

    /**
     * @param unservable receives each deployment that cannot be served (and it is left out); when
     *                   null, such a deployment fails the whole build
     */
    public ConfigSnapshot build(ConfigState state, long version, Consumer<ConfigException> unservable) {
        RouterSettings router = state.router() == null ? RouterSettings.DEFAULTS : state.router().withDefaults();
        Map<String, List<Deployment>> byModel = new LinkedHashMap<>();
        for (DeploymentSpec spec : state.deployments()) {
            List<Deployment> pool = byModel.computeIfAbsent(spec.publicModel(), m -> new ArrayList<>());
            if (!spec.enabled()) continue;
            try {
                pool.add(resolve(spec, router.timeouts()));
            } catch (ConfigException e) {
                if (unservable == null) throw e;
                unservable.accept(e);
            }
        }
        Map<String, ModelPool> models = new LinkedHashMap<>();
        byModel.forEach((name, deployments) -> models.put(name, new ModelPool(name, List.copyOf(deployments))));
        if (models.isEmpty()) {
            DeploymentSpec demo = new DeploymentSpec("dep_demo", DEMO_MODEL, "simulator", "simulator-echo", Map.of(), null, null,
                    1, null, null, null, null, null, Map.of(), true, "builtin");
            models.put(DEMO_MODEL, new ModelPool(DEMO_MODEL, List.of(resolve(demo, router.timeouts()))));
        }
        Map<String, VirtualKey> keys = new HashMap<>();
        for (VirtualKey k : state.keys()) keys.put(k.keyHash(), k);
        Map<String, TeamSpec> teams = new HashMap<>();
        for (TeamSpec t : state.teams()) teams.put(t.id(), t);
        return new ConfigSnapshot(version, clock.instant(), Collections.unmodifiableMap(models), Map.copyOf(keys), Map.copyOf(teams),
                state.fallbacks(), router, new DirectRoutes(registry.all(), env, router.timeouts()), state.masterKeyHash());
    }

    Deployment resolve(DeploymentSpec spec, Timeouts routerTimeouts) {
        try {
            return servable(spec, routerTimeouts);
        } catch (ConfigException e) {
            String at = "models." + spec.publicModel() + " (" + spec.provider() + "/" + spec.upstreamModel() + ")." + e.path();
            throw new ConfigException(at, e.getMessage().substring(e.path().length() + 2));
        }
    }

    /**
     * The deployment as the request path will call it: provider, endpoint and key resolved.
     * A problem is a {@link ConfigException} whose path is the deployment's own field
     * ({@code provider}, {@code baseUrl}, {@code credentials.apiKey}).
     */
    public Deployment servable(DeploymentSpec spec, Timeouts routerTimeouts) {
        Provider provider = registry.find(spec.provider())
                .orElseThrow(() -> new ConfigException("provider", "provider '" + spec.provider() + "' is not available in this build"));
        ProviderEndpoint e = provider.endpoint();
        Timeouts timeouts = spec.timeouts() == null ? routerTimeouts : spec.timeouts().orElse(routerTimeouts);
        if (e.needsNoNetwork()) return new Deployment(spec, provider, null, null, timeouts);
        if (provider.servable(spec, env, timeouts) instanceof Deployment own) return own;
        String base = spec.baseUrl();
        if (base == null && e.baseUrlEnv() != null) base = blankToNull(env.apply(e.baseUrlEnv()));
        if (base == null) base = e.defaultBaseUrl();
        if (base == null) throw new ConfigException("baseUrl", "provider '" + spec.provider() + "' needs a baseUrl");
        String key = blankToNull(spec.credential("apiKey"));
        if (key == null && e.apiKeyEnv() != null) key = blankToNull(env.apply(e.apiKeyEnv()));
        if (key == null && e.keyRequired()) {
            throw new ConfigException("credentials.apiKey", "provider '" + spec.provider() + "' needs an API key"
                    + (e.apiKeyEnv() != null ? " (in the deployment or " + e.apiKeyEnv() + ")" : ""));
        }
        return new Deployment(spec, provider, URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base), key, timeouts);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
