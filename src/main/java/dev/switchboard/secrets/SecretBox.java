package dev.switchboard.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals secrets at rest with AES-256-GCM into a self-describing envelope:
 * {@code {"v":1,"kid":"…","purpose":"…","iv":"<base64>","ct":"<base64 ciphertext+tag>"}}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>The associated data is the UTF-8 of {@code v:kid:purpose}, so the header cannot be edited
 *       without the tag failing: an envelope cannot be replayed under another purpose (a provider
 *       credential opened as something else) nor pointed at another key. A kid never holds a
 *       colon, so the string splits one way only, whatever the purpose holds.</li>
 *   <li>Every seal draws a fresh random 96-bit IV. GCM with random IVs stays within its bounds for
 *       2^32 seals per key; credentials are written rarely, and rotation resets the count.</li>
 *   <li>Opening either returns the exact plaintext sealed or throws {@link SecretException};
 *       never partial or unauthenticated bytes.</li>
 * </ul>
 *
 * <p>Thread-safe: the keyring is immutable, {@link SecureRandom} is safe to share, and a
 * {@link Cipher} (which is not) is made per call.
 */
public final class SecretBox {

    private static final int VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final Keyring keyring;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(Keyring keyring) {
        if (keyring == null) throw new IllegalArgumentException("keyring is required");
        this.keyring = keyring;
    }

    /** Seals {@code plaintext} with the active key, bound to {@code purpose}. */
    public String seal(String purpose, byte[] plaintext) {
        requirePurpose(purpose);
        String kid = keyring.activeKid();
        SecretKey key = keyring.find(kid).orElseThrow();
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] ct = crypt(Cipher.ENCRYPT_MODE, key, iv, aad(kid, purpose), plaintext);
        ObjectNode envelope = Json.object();
        envelope.put("v", VERSION);
        envelope.put("kid", kid);
        envelope.put("purpose", purpose);
        envelope.put("iv", Base64.getEncoder().encodeToString(iv));
        envelope.put("ct", Base64.getEncoder().encodeToString(ct));
        return Json.text(envelope);
    }

    public String seal(String purpose, String utf8) {
        byte[] plaintext = utf8.getBytes(StandardCharsets.UTF_8);
        try {
            return seal(purpose, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** The plaintext of an envelope sealed for {@code purpose} by any key in the keyring. */
    public byte[] open(String purpose, String envelope) {
        requirePurpose(purpose);
        Envelope e = Envelope.parse(envelope);
        if (!e.purpose.equals(purpose)) {
            throw new SecretException("purpose mismatch: envelope is for '" + e.purpose + "', expected '" + purpose + "'");
        }
        SecretKey key = keyring.find(e.kid).orElseThrow(() -> new SecretException("envelope key '" + e.kid
                + "' is not in ENCRYPTION_KEYS: keep a retired key listed until `switchboard encryption rotate` has run"));
        return crypt(Cipher.DECRYPT_MODE, key, e.iv, aad(e.kid, e.purpose), e.ct);
    }

    public String openString(String purpose, String envelope) {
        byte[] plaintext = open(purpose, envelope);
        try {
            return new String(plaintext, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Whether the envelope was sealed by a key other than the active one. Does not authenticate it. */
    public boolean needsRotation(String envelope) {
        return !Envelope.parse(envelope).kid.equals(keyring.activeKid());
    }

    /**
     * Opens the envelope with whichever key sealed it and seals it again with the active key. Always
     * re-seals (with a fresh IV), so the result is authenticated and current even when the input
     * already was.
     */
    public String reseal(String purpose, String envelope) {
        byte[] plaintext = open(purpose, envelope);
        try {
            return seal(purpose, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static byte[] aad(String kid, String purpose) {
        return (VERSION + ":" + kid + ":" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] crypt(int mode, SecretKey key, byte[] iv, byte[] aad, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new SecretException("envelope failed authentication: it was altered, or sealed by a different key under this kid");
        } catch (GeneralSecurityException e) {
            // the JDK always has AES/GCM and the keyring only holds 32-byte AES keys: a broken platform, not bad input
            throw new IllegalStateException("AES-256-GCM is unavailable: " + e.getClass().getSimpleName(), e);
        }
    }

    private static void requirePurpose(String purpose) {
        if (purpose == null || purpose.isEmpty()) throw new SecretException("a purpose is required to seal or open a secret");
    }

    /** The parsed header and body of an envelope; every field checked for shape, nothing yet authenticated. */
    private record Envelope(String kid, String purpose, byte[] iv, byte[] ct) {

        static Envelope parse(String text) {
            if (text == null) throw malformed("it is null");
            JsonNode node;
            try {
                node = Json.parse(text);
            } catch (IOException e) {
                throw malformed("it is not JSON");
            }
            if (!node.isObject()) throw malformed("it is not a JSON object");
            JsonNode v = node.get("v");
            if (v == null || !v.isIntegralNumber()) throw malformed("v is missing or not an integer");
            if (!v.canConvertToInt() || v.intValue() != VERSION) {
                throw new SecretException("envelope version " + v.asText() + " is not supported (expected " + VERSION + ")");
            }
            byte[] iv = base64(node, "iv");
            if (iv.length != IV_BYTES) throw malformed("iv must be " + IV_BYTES + " bytes");
            byte[] ct = base64(node, "ct");
            if (ct.length < TAG_BITS / 8) throw malformed("ct is shorter than its tag");
            return new Envelope(text(node, "kid"), text(node, "purpose"), iv, ct);
        }

        private static String text(JsonNode node, String field) {
            String value = Json.str(node, field);
            if (value == null || value.isEmpty()) throw malformed(field + " is missing");
            return value;
        }

        private static byte[] base64(JsonNode node, String field) {
            try {
                return Base64.getDecoder().decode(text(node, field));
            } catch (IllegalArgumentException e) {
                throw malformed(field + " is not base64");
            }
        }

        private static SecretException malformed(String why) {
            return new SecretException("envelope is malformed: " + why);
        }
    }
}
