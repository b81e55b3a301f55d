package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration of the gateway: what the config file declares (and, with the store,
 * what the admin API adds). Validated by {@link ConfigValidator}; ids filled by {@link ConfigLoader}.
 *
 * @param models        public model name → its deployments, in file order
 * @param laterSections the file's other top-level sections, as written (after {@code ${VAR}}
 *                      expansion): sections this build does not use yet are kept, not refused
 *                      (CONTRACT.md), for the capabilities that will read them
 */
public record GatewayConfig(
        Map<String, List<DeploymentSpec>> models,
        List<TeamSpec> teams,
        List<KeySpec> keys,
        List<FallbackSpec> fallbacks,
        RouterSettings router,
        Map<String, JsonNode> laterSections) {

    /** The sections this build reads; any other top-level name is a later section. */
    public static final Set<String> SECTIONS = Set.of("models", "teams", "keys", "fallbacks", "router");
    public static final GatewayConfig EMPTY = new GatewayConfig(Map.of(), List.of(), List.of(), List.of(), null, Map.of());

    public GatewayConfig {
        models = models == null ? Map.of() : models;
        teams = teams == null ? List.of() : List.copyOf(teams);
        keys = keys == null ? List.of() : List.copyOf(keys);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        laterSections = laterSections == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(laterSections));
    }

    public RouterSettings routerSettings() {
        return router == null ? RouterSettings.DEFAULTS : router.withDefaults();
    }
}
