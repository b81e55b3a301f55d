package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** SHA-256 of key material, constant-time comparison, and new keys from {@link SecureRandom}. */
public final class KeyHash {

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private KeyHash() {}

    /** A key's SHA-256, raw and as lower-case hex. */
    public record Hashed(byte[] raw, String hex) {}

    private static final int RECENT = 256;

    /**
     * Each event loop remembers the hashes of the last {@value #RECENT} keys it saw, so a client's
     * steady stream of requests hashes its key once, not per request. Lookups stay exact: the
     * cache is keyed by the whole presented key.
     */
    private static final ThreadLocal<java.util.LinkedHashMap<String, Hashed>> RECENTLY = ThreadLocal.withInitial(
            () -> new java.util.LinkedHashMap<>(RECENT * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Hashed> eldest) {
                    return size() > RECENT;
                }
            });

    public static Hashed hashedRecently(String key) {
        var recent = RECENTLY.get();
        Hashed h = recent.get(key);
        if (h == null) {
            byte[] raw = sha256(key);
            h = new Hashed(raw, HexFormat.of().formatHex(raw));
            recent.put(key, h);
        }
        return h;
    }

    public static byte[] sha256(String key) {
        return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    public static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    /** {@code prefix} followed by {@code length} base62 characters, uniformly drawn. */
    public static String newKey(String prefix, int length) {
        StringBuilder out = new StringBuilder(prefix.length() + length).append(prefix);
        for (int i = 0; i < length; i++) out.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        return out.toString();
    }

    /** A new virtual key: {@code sk-sb-} and 43 base62 characters (256 bits) from {@link SecureRandom}. */
    public static String newVirtualKey() {
        return newKey("sk-sb-", 43);
    }

    /** What is shown of a key after it was created: enough to tell keys apart, too little to use. */
    public static String prefixOf(String key) {
        return key.substring(0, Math.min(key.length(), key.startsWith("sk-sb-") ? 10 : 4)) + "...";
    }
}
