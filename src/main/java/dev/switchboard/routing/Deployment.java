package dev.switchboard.routing;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.Provider;
import java.net.URI;
import java.util.Map;

/**
 * A deployment ready for the request path: its spec, the provider that serves it, the resolved
 * endpoint and credentials and the effective deadlines. Built once per config snapshot.
 */
public record Deployment(
        DeploymentSpec spec,
        Provider provider,
        URI baseUrl,
        String apiKey,
        Timeouts timeouts) {

    public String id() {
        return spec.id();
    }

    /** {@code Bearer <apiKey>}, the value of the authorization header most providers take. */
    public String bearer() {
        return "Bearer " + apiKey;
    }

    /** The wire format this deployment speaks: its provider's, or for a provider of several formats the one its model takes. */
    public dev.switchboard.provider.WireFormat wireFormat() {
        return provider.wireFormat(this);
    }

    public String upstreamModel() {
        return spec.upstreamModel();
    }

    public int weight() {
        return spec.weight();
    }

    public Map<String, String> extraHeaders() {
        return spec.extraHeaders();
    }
}
