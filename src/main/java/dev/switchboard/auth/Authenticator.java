package dev.switchboard.auth;

import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.transport.Headers;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Finds the caller from the request: {@code Authorization: Bearer} (wins), {@code x-api-key},
 * {@code x-goog-api-key}, or {@code key=} on {@code /v1beta/*}. The key is hashed once and looked
 * up in the snapshot's hash index; the master key is compared in constant time.
 */
public final class Authenticator {

    private final Clock clock;

    public Authenticator(Clock clock) {
        this.clock = clock;
    }

    /** The caller, by the master key or a virtual key of {@code snapshot}; else a 401. */
    public Principal authenticate(MultiMap headers, String path, String queryKey, ConfigSnapshot snapshot) {
        String key = presented(headers, path, queryKey);
        if (key == null || key.isEmpty()) {
            throw GatewayError.of(ErrorKind.INVALID_API_KEY, "Missing API key. Send it as " + howToSend(path) + ".");
        }
        KeyHash.Hashed hashed = KeyHash.hashedRecently(key);
        byte[] master = snapshot.masterKeyHash();
        if (master != null && KeyHash.matches(master, hashed.raw())) return Principal.MASTER;
        VirtualKey found = snapshot.keysByHash().get(hashed.hex());
        // the index lookup finds the candidate; the decision is a constant-time comparison of the hashes
        if (found == null || !MessageDigest.isEqual(HexFormat.of().parseHex(found.keyHash()), hashed.raw())) {
            throw GatewayError.of(ErrorKind.INVALID_API_KEY, "Invalid API key.");
        }
        if (!found.enabled()) throw GatewayError.of(ErrorKind.KEY_DISABLED, "This API key is disabled.");
        if (found.expired(clock.instant())) throw GatewayError.of(ErrorKind.KEY_EXPIRED, "This API key has expired.");
        return new Principal(false, found);
    }

    /** The header the SDKs of the path's format send the key in. */
    private static String howToSend(String path) {
        if (path.startsWith("/v1/messages")) return "'x-api-key: <key>' or 'Authorization: Bearer <key>'";
        if (path.startsWith("/v1beta/")) return "'x-goog-api-key: <key>' or 'Authorization: Bearer <key>'";
        return "'Authorization: Bearer <key>'";
    }

    static String presented(MultiMap headers, String path, String queryKey) {
        String auth = headers.get(Headers.AUTHORIZATION);
        if (auth != null) {
            String a = auth.trim();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) return a.substring(7).trim();
        }
        String apiKey = headers.get(Headers.X_API_KEY);
        if (apiKey != null) return apiKey.trim();
        String goog = headers.get(Headers.X_GOOG_API_KEY);
        if (goog != null) return goog.trim();
        if (queryKey != null && path.startsWith("/v1beta/")) return queryKey.trim();
        return null;
    }
}
