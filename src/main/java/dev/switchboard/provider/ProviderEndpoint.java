package dev.switchboard.provider;

import java.util.List;

/**
 * Where a provider lives by default and how the environment enables it for direct routing.
 *
 * @param defaultBaseUrl  null when every deployment must give its own (or when it needs none)
 * @param apiKeyEnv       the variable holding its key (null when it takes none)
 * @param baseUrlEnv      the variable that moves it, and enables keyless local servers
 * @param keyRequired     whether a deployment without a key is a configuration error
 * @param needsNoNetwork  true for the in-process simulator: always enabled, no URL
 * @param directPrefixes  bare model-name prefixes routed to it when enabled
 */
public record ProviderEndpoint(String defaultBaseUrl, String apiKeyEnv, String baseUrlEnv, boolean keyRequired,
                               boolean needsNoNetwork, List<String> directPrefixes) {

    public static final ProviderEndpoint IN_PROCESS = new ProviderEndpoint(null, null, null, false, true, List.of());
}
