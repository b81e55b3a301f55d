package dev.switchboard.provider.bedrock;

import dev.switchboard.transport.UriEncoding;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4, with the JDK's own HmacSHA256 and SHA-256 only. Pure: the same request,
 * credentials and instant always give the same headers.
 *
 * <p>The canonical request is method, canonical URI, canonical query, the signed headers as
 * lower-case {@code name:trimmed value} lines sorted by name, the signed header names joined by
 * {@code ;}, and the hex SHA-256 of the body. The canonical URI follows the rule for every service
 * but S3: each segment of the path <em>as sent</em> (already URI-encoded once, so a Bedrock model
 * id {@code a.b-v1:0} travels as {@code a.b-v1%3A0}) is URI-encoded again ({@code a.b-v1%253A0}).
 * The string to sign is {@code AWS4-HMAC-SHA256}, the {@code x-amz-date}, the scope
 * {@code date/region/service/aws4_request} and the hex SHA-256 of the canonical request; the key is
 * {@code HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")}.
 */
public final class SigV4 {

    /** AWS credentials; {@code sessionToken} is null for long-term keys. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken, String region) {
        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", region=" + region + "]"; // never the secret
        }
    }

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private SigV4() {}

    /**
     * The headers that sign the request: {@code x-amz-date}, {@code x-amz-security-token} when the
     * credentials have a session token, and {@code authorization}. {@code headers} are the other
     * headers to sign (for instance {@code host} and {@code content-type}); names in any case.
     *
     * @param rawPath the path exactly as it goes on the wire (each segment URI-encoded once)
     * @param query   the raw query string, or null
     */
    public static Map<String, String> sign(String method, String rawPath, String query, Map<String, String> headers, byte[] body,
                                           Credentials c, String service, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), v.trim().replaceAll(" +", " ")));
        signed.put("x-amz-date", amzDate);
        if (c.sessionToken() != null) signed.put("x-amz-security-token", c.sessionToken());
        String signedNames = String.join(";", signed.keySet());
        String creq = canonicalRequest(method, rawPath, query, signed, signedNames, hex(sha256(body)));
        String scope = amzDate.substring(0, 8) + "/" + c.region() + "/" + service + "/aws4_request";
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(creq.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKey(c.secretAccessKey(), amzDate.substring(0, 8), c.region(), service);
        String signature = hex(hmac(key, toSign));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("x-amz-date", amzDate);
        if (c.sessionToken() != null) out.put("x-amz-security-token", c.sessionToken());
        out.put("authorization", ALGORITHM + " Credential=" + c.accessKeyId() + "/" + scope + ", SignedHeaders=" + signedNames
                + ", Signature=" + signature);
        return out;
    }

    static String canonicalRequest(String method, String rawPath, String query, TreeMap<String, String> signed, String signedNames,
                                   String bodyHash) {
        StringBuilder s = new StringBuilder(256);
        s.append(method).append('\n').append(canonicalUri(rawPath)).append('\n').append(canonicalQuery(query)).append('\n');
        signed.forEach((k, v) -> s.append(k).append(':').append(v).append('\n'));
        s.append('\n').append(signedNames).append('\n').append(bodyHash);
        return s.toString();
    }

    /** Each segment of the path as sent, URI-encoded again (the non-S3 rule); an empty path is {@code /}. */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) return "/";
        StringBuilder out = new StringBuilder(rawPath.length() + 16);
        int from = 0;
        while (from <= rawPath.length()) {
            int slash = rawPath.indexOf('/', from);
            int end = slash < 0 ? rawPath.length() : slash;
            out.append(UriEncoding.encode(rawPath.substring(from, end))); // SigV4's URI encoding is RFC 3986's
            if (slash < 0) break;
            out.append('/');
            from = slash + 1;
        }
        return out.toString();
    }

    /** Parameters sorted by encoded name, then value; each name and value URI-encoded. */
    static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) return "";
        TreeMap<String, java.util.List<String>> params = new TreeMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            params.computeIfAbsent(UriEncoding.encode(decode(k)), x -> new java.util.ArrayList<>()).add(UriEncoding.encode(decode(v)));
        }
        StringBuilder out = new StringBuilder();
        params.forEach((k, vs) -> {
            java.util.Collections.sort(vs);
            for (String v : vs) {
                if (!out.isEmpty()) out.append('&');
                out.append(k).append('=').append(v);
            }
        });
        return out.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data == null ? new byte[0] : data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
