package dev.switchboard.provider;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The header rules of CONTRACT.md in one place. Towards the provider: only its own auth, the
 * content type, {@code x-request-id}, the deployment's extra headers, and from the client only the
 * vendor headers that fit the provider. Back to the client: only the provider's informational
 * vendor headers — never its rate-limit headers, cookies or anything else.
 */
public final class UpstreamHeaders {

    private UpstreamHeaders() {}

    /** Pre-hashed, so that looking them up on every request computes nothing. */
    private static final CharSequence[] FORWARDABLE = Stream.of("anthropic-version", "anthropic-beta", "openai-beta",
            "openai-organization", "openai-project").map(HttpHeaders::createOptimized).toArray(CharSequence[]::new);

    /** Client headers that may be forwarded at all; each provider takes those that fit it. */
    public static MultiMap forwardable(MultiMap client) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (CharSequence name : FORWARDABLE) {
            String v = client.get(name);
            if (v != null) out.set(name, v);
        }
        return out;
    }

    /** Client headers of one vendor ({@code "openai-"} or {@code "anthropic-"}) added to an upstream request. */
    public static void addVendor(MultiMap upstream, MultiMap forwardable, String prefix) {
        for (Map.Entry<String, String> e : forwardable) {
            if (e.getKey().toLowerCase(Locale.ROOT).startsWith(prefix)) upstream.add(e.getKey(), e.getValue());
        }
    }

    public static void addExtra(MultiMap upstream, Map<String, String> extra) {
        extra.forEach(upstream::set);
    }

    /** The provider's response headers that the client may see. */
    public static MultiMap passBack(MultiMap upstream) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> e : upstream) {
            String n = e.getKey().toLowerCase(Locale.ROOT);
            if ((n.startsWith("openai-") || n.startsWith("anthropic-")) && !n.contains("ratelimit")
                    && !n.contains("organization") && !n.contains("project")) {
                out.add(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
