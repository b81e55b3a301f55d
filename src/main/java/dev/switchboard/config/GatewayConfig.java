package dev.switchboard.config;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration of the gateway: what the config file declares (and, with the store,
 * what the admin API adds). Validated by {@link ConfigValidator}; ids filled by {@link ConfigLoader}.
 *
 * @param models public model name → its deployments, in file order
 */
public record GatewayConfig(
        Map<String, List<DeploymentSpec>> models,
        List<TeamSpec> teams,
        List<KeySpec> keys,
        List<FallbackSpec> fallbacks,
        RouterSettings router) {

    public static final GatewayConfig EMPTY = new GatewayConfig(Map.of(), List.of(), List.of(), List.of(), null);

    public GatewayConfig {
        models = models == null ? Map.of() : models;
        teams = teams == null ? List.of() : List.copyOf(teams);
        keys = keys == null ? List.of() : List.copyOf(keys);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    }

    public RouterSettings routerSettings() {
        return router == null ? RouterSettings.DEFAULTS : router.withDefaults();
    }
}
