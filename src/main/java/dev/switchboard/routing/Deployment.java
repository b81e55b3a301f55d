package dev.switchboard.routing;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.WireFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deployment ready for the request path: its spec, the provider that serves it, the resolved
 * endpoint and credentials and the effective deadlines. Built once per config snapshot.
 *
 * <p>It also carries the names of its circuit state. {@link #circuitKey()} changes whenever what
 * the deployment calls changes (provider, model, endpoint, credentials), so an edited deployment
 * starts with a clean circuit and a quarantine for a bad key ends when the key is fixed.
 * {@link #domainKey()} names its failure domain, the provider account: every deployment on the
 * same provider, endpoint and credentials shares its throttles. Both are digests, so no
 * credential reaches a shared store in any form that can be read back.
 */
public final class Deployment {

    private final DeploymentSpec spec;
    private final Provider provider;
    private final URI baseUrl;
    private final String apiKey;
    private final Timeouts timeouts;
    private final String domainKey;
    private final String circuitKey;

    public Deployment(DeploymentSpec spec, Provider provider, URI baseUrl, String apiKey, Timeouts timeouts) {
        this.spec = spec;
        this.provider = provider;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.timeouts = timeouts;
        String account = spec.provider() + '\n' + baseUrl + '\n' + apiKey + '\n' + new TreeMap<>(spec.credentials());
        this.domainKey = "dom:" + digest(account);
        this.circuitKey = "dep:" + spec.id() + ':' + digest(account + '\n' + spec.upstreamModel() + '\n' + spec.apiVersion());
    }

    public DeploymentSpec spec() {
        return spec;
    }

    public Provider provider() {
        return provider;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public String apiKey() {
        return apiKey;
    }

    /**
     * {@code text} (a provider's error, for a log line) with this deployment's secrets masked: some
     * servers echo the key they were sent ({@code Incorrect API key provided: sk-…}).
     */
    public String redact(String text) {
        if (text == null) return null;
        String out = mask(text, apiKey);
        for (Map.Entry<String, String> c : spec.credentials().entrySet()) {
            if (!NOT_SECRET.contains(c.getKey())) out = mask(out, c.getValue());
        }
        return out;
    }

    /** Credential fields that say where, not who (Bedrock's region, Vertex's project and location). */
    private static final Set<String> NOT_SECRET = Set.of("region", "project", "location");

    private static String mask(String text, String secret) {
        // a value this short would mask ordinary words, and is no key
        return secret == null || secret.length() < 8 ? text : text.replace(secret, "[redacted]");
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public String id() {
        return spec.id();
    }

    /** {@code Bearer <apiKey>}, the value of the authorization header most providers take. */
    public String bearer() {
        return "Bearer " + apiKey;
    }

    /** The wire format this deployment speaks: its provider's, or for a provider of several formats the one its model takes. */
    public WireFormat wireFormat() {
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

    /** The key of this deployment's own circuit. */
    public String circuitKey() {
        return circuitKey;
    }

    /** The key of the circuit its provider account's throttles share. */
    public String domainKey() {
        return domainKey;
    }

    @Override
    public String toString() {
        return "Deployment[" + spec.id() + " " + spec.provider() + "/" + spec.upstreamModel() + "]";
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
