package dev.switchboard.auth;

import dev.switchboard.config.KeySpec;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.util.Map;

/**
 * Finds the caller from the request: {@code Authorization: Bearer} (wins), {@code x-api-key},
 * {@code x-goog-api-key}, or {@code key=} on {@code /v1beta/*}. The key is hashed once and looked
 * up in the snapshot's hash index; the master key is compared in constant time.
 */
public final class Authenticator {

    private final MasterKey master;
    private final Clock clock;

    public Authenticator(MasterKey master, Clock clock) {
        this.master = master;
        this.clock = clock;
    }

    /**
     * @param keysByHash the snapshot's virtual keys by the hex SHA-256 of their value
     */
    public Principal authenticate(MultiMap headers, String path, String queryKey, Map<String, KeySpec> keysByHash) {
        String key = presented(headers, path, queryKey);
        if (key == null || key.isEmpty()) {
            throw GatewayError.of(ErrorKind.INVALID_API_KEY, "Missing API key. Send it as 'Authorization: Bearer <key>'.");
        }
        KeyHash.Hashed hashed = KeyHash.hashedRecently(key);
        if (master.matches(hashed.raw())) return Principal.MASTER;
        KeySpec spec = keysByHash.get(hashed.hex());
        if (spec == null) throw GatewayError.of(ErrorKind.INVALID_API_KEY, "Invalid API key.");
        if (!spec.enabled()) throw GatewayError.of(ErrorKind.KEY_DISABLED, "This API key is disabled.");
        if (spec.expiresAt() != null && !clock.instant().isBefore(spec.expiresAt())) {
            throw GatewayError.of(ErrorKind.KEY_EXPIRED, "This API key has expired.");
        }
        return new Principal(false, spec);
    }

    static String presented(MultiMap headers, String path, String queryKey) {
        String auth = headers.get("authorization");
        if (auth != null) {
            String a = auth.trim();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) return a.substring(7).trim();
        }
        String apiKey = headers.get("x-api-key");
        if (apiKey != null) return apiKey.trim();
        String goog = headers.get("x-goog-api-key");
        if (goog != null) return goog.trim();
        if (queryKey != null && path.startsWith("/v1beta/")) return queryKey.trim();
        return null;
    }
}
