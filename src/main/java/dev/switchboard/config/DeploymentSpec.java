package dev.switchboard.config;

import java.util.Map;

/**
 * One deployment behind a public model, as the admin API and the config file describe it.
 * {@code credentials} hold secrets and are never rendered back.
 */
public record DeploymentSpec(
        String id,
        String publicModel,
        String provider,
        String upstreamModel,
        Map<String, String> credentials,
        String baseUrl,
        String apiVersion,
        Integer weight,
        Long rpmLimit,
        Long tpmLimit,
        Integer maxConcurrency,
        Pricing pricing,
        Timeouts timeouts,
        Map<String, String> extraHeaders,
        Boolean enabled,
        String source) {

    public DeploymentSpec {
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
        extraHeaders = extraHeaders == null ? Map.of() : Map.copyOf(extraHeaders);
        weight = weight == null ? 1 : weight;
        enabled = enabled == null || enabled;
    }

    public String credential(String name) {
        return credentials.get(name);
    }

    public DeploymentSpec with(String id, String publicModel, String source) {
        return new DeploymentSpec(id, publicModel, provider, upstreamModel, credentials, baseUrl, apiVersion, weight,
                rpmLimit, tpmLimit, maxConcurrency, pricing, timeouts, extraHeaders, enabled, source);
    }
}
