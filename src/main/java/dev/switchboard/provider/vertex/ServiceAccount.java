package dev.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * A Google service account as its JSON key file holds it, and the signed JWT it trades for an
 * access token (the OAuth 2.0 JWT-bearer grant): header {@code {"alg":"RS256","typ":"JWT","kid"}},
 * claims {@code iss} (the account's email), {@code scope} (cloud-platform), {@code aud} (the token
 * URI), {@code iat} and {@code exp} one hour later, signed with SHA256withRSA by the JDK.
 *
 * @param tokenUri where the assertion is exchanged ({@code token_uri}, by default Google's)
 */
public record ServiceAccount(String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri) {

    public static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    static final long LIFETIME_SECONDS = 3600;

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    /**
     * Reads a service-account key file.
     *
     * @throws IllegalArgumentException naming what is missing or malformed (never quoting the key)
     */
    public static ServiceAccount parse(String json) {
        if (json == null || json.isBlank()) throw new IllegalArgumentException("is missing");
        JsonNode root;
        try {
            root = Json.parse(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("is not JSON (give the service account's key file as it was downloaded)");
        }
        if (!root.isObject()) throw new IllegalArgumentException("is not a JSON object");
        String email = text(root, "client_email");
        String pem = text(root, "private_key");
        if (email == null) throw new IllegalArgumentException("has no client_email");
        if (pem == null) throw new IllegalArgumentException("has no private_key");
        String tokenUri = text(root, "token_uri");
        return new ServiceAccount(email, text(root, "private_key_id"), privateKey(pem), tokenUri != null ? tokenUri : DEFAULT_TOKEN_URI);
    }

    /** A PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) RSA key; PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) is not what Google issues. */
    static PrivateKey privateKey(String pem) {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException("has a private_key that is not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("has a private_key that is not a readable RSA key");
        }
    }

    /** The signed JWT for the token request, issued at {@code now}. */
    public String assertion(Instant now) {
        ObjectNode header = Json.object().put("alg", "RS256").put("typ", "JWT");
        if (privateKeyId != null) header.put("kid", privateKeyId);
        long iat = now.getEpochSecond();
        ObjectNode claims = Json.object().put("iss", clientEmail).put("scope", SCOPE).put("aud", tokenUri)
                .put("iat", iat).put("exp", iat + LIFETIME_SECONDS);
        String signingInput = B64URL.encodeToString(Json.bytes(header)) + "." + B64URL.encodeToString(Json.bytes(claims));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the service account's key: " + e.getMessage(), e);
        }
    }

    /** Never the key: a record's default toString would print it. */
    @Override
    public String toString() {
        return "ServiceAccount[" + clientEmail + ", kid=" + privateKeyId + ", tokenUri=" + tokenUri + "]";
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n != null && n.isTextual() && !n.textValue().isBlank() ? n.textValue() : null;
    }
}
