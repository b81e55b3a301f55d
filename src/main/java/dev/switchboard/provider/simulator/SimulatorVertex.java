package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.transport.Json;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The standalone simulator's Vertex AI face, with a fake Google token endpoint.
 *
 * <p>{@code POST /token} takes the OAuth JWT-bearer grant as a form
 * ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…}) and checks the
 * assertion as Google does: three base64url parts, header {@code alg: RS256}, {@code typ: JWT} and
 * a {@code kid} equal to the account's key id; claims {@code iss} a trusted account (registered by
 * a test with its public key: {@link SimulatorServer#trustServiceAccount}), {@code scope} with
 * cloud-platform, {@code aud} this very endpoint, {@code iat} within five minutes of now and
 * {@code exp} at most an hour after it; and the RS256 signature against the account's public key.
 * Any failure is a 400 {@code {"error":"invalid_grant","error_description"}}; success answers
 * {@code {"access_token","expires_in":3599,"token_type":"Bearer"}} with a new token each time.
 *
 * <p>Vertex paths ({@code /v1/projects/{p}/locations/{l}/publishers/…}) want one of those tokens
 * as {@code Authorization: Bearer} (else a 401 {@code UNAUTHENTICATED} in Google's shape):
 * {@code publishers/google/models/{m}:generateContent} and {@code :streamGenerateContent} are
 * answered by the Gemini side; {@code publishers/anthropic/models/{m}:rawPredict} and
 * {@code :streamRawPredict} by the Anthropic side, after checking that the body names no
 * {@code model} and carries {@code anthropic_version: vertex-2023-10-16}.
 */
final class SimulatorVertex {

    static final String TOKEN_PATH = "/token";
    static final String PREFIX = "/v1/projects/";
    private static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    /** A service account the token endpoint trusts. */
    record Account(String keyId, PublicKey publicKey) {}

    private final Clock clock;
    private final SimulatorGemini gemini;
    private final BiConsumer<RoutingContext, String> claude;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicLong tokenRequests = new AtomicLong();

    /** @param claude the Anthropic Messages handler, given the model named in the path */
    SimulatorVertex(Clock clock, SimulatorGemini gemini, BiConsumer<RoutingContext, String> claude) {
        this.clock = clock;
        this.gemini = gemini;
        this.claude = claude;
    }

    void mount(Router router) {
        router.post(TOKEN_PATH).handler(this::token);
        router.route(PREFIX + "*").handler(this::authorize);
        String base = "/v1/projects/(?<project>[^/]+)/locations/(?<location>[^/]+)/publishers/";
        router.postWithRegex(base + "google/models/(?<model>[^:/]+):generateContent").handler(ctx -> gemini.generate(ctx, false));
        router.postWithRegex(base + "google/models/(?<model>[^:/]+):streamGenerateContent").handler(ctx -> gemini.generate(ctx, true));
        router.postWithRegex(base + "anthropic/models/(?<model>[^:/]+):rawPredict").handler(this::rawPredict);
        router.postWithRegex(base + "anthropic/models/(?<model>[^:/]+):streamRawPredict").handler(this::rawPredict);
    }

    void trust(String clientEmail, String keyId, PublicKey key) {
        accounts.put(clientEmail, new Account(keyId, key));
    }

    long tokenRequests() {
        return tokenRequests.get();
    }

    private void authorize(RoutingContext ctx) {
        String auth = ctx.request().getHeader("authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !issued.contains(auth.substring(7))) {
            SimulatorGemini.error(ctx.response(), 401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                    + "login cookie or other valid authentication credential.", "ACCESS_TOKEN_TYPE_UNSUPPORTED", 0);
            return;
        }
        ctx.next();
    }

    private void rawPredict(RoutingContext ctx) {
        JsonNode body;
        try {
            body = Json.parse(ctx.body().buffer().getBytes());
        } catch (IOException | NullPointerException e) {
            body = null;
        }
        String problem = body == null || !body.isObject() ? "body: Input should be an object"
                : body.has("model") ? "model: Extra inputs are not permitted (Vertex AI takes the model from the URL)"
                : !"vertex-2023-10-16".equals(Json.str(body, "anthropic_version")) ? "anthropic_version: Input should be 'vertex-2023-10-16'"
                : null;
        if (problem != null) {
            ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
                    .end(Json.buffer(SimAnthropicCodec.error(400, problem, "req_vrtx_" + UUID.randomUUID())));
            return;
        }
        claude.accept(ctx, ctx.pathParam("model"));
    }

    private void token(RoutingContext ctx) {
        tokenRequests.incrementAndGet();
        HttpServerResponse resp = ctx.response();
        String type = ctx.request().getHeader("content-type");
        if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
            oauthError(resp, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
            return;
        }
        Map<String, String> form = form(ctx.body() == null ? "" : ctx.body().asString());
        if (!GRANT_TYPE.equals(form.get("grant_type"))) {
            oauthError(resp, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
            return;
        }
        String problem = check(form.get("assertion"), ctx.request().absoluteURI());
        if (problem != null) {
            oauthError(resp, "invalid_grant", problem);
            return;
        }
        String token = "ya29.sim-" + UUID.randomUUID();
        issued.add(token);
        resp.putHeader("content-type", "application/json")
                .end(Json.buffer(Json.object().put("access_token", token).put("expires_in", 3599).put("token_type", "Bearer")));
    }

    /** What is wrong with the assertion, in Google's words where it has them, or null when it is good. */
    private String check(String jwt, String audience) {
        if (jwt == null) return "Missing required parameter: assertion";
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) return "Invalid JWT: not three segments";
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = Json.parse(B64URL.decode(parts[0]));
            claims = Json.parse(B64URL.decode(parts[1]));
            signature = B64URL.decode(parts[2]);
        } catch (IOException | IllegalArgumentException e) {
            return "Invalid JWT: segments are not base64url JSON";
        }
        if (!"RS256".equals(Json.str(header, "alg")) || !"JWT".equals(Json.str(header, "typ"))) return "Invalid JWT: header must be RS256 JWT";
        Account account = accounts.get(String.valueOf(Json.str(claims, "iss")));
        if (account == null) return "Invalid grant: account not found";
        if (account.keyId() != null && !account.keyId().equals(Json.str(header, "kid"))) return "Invalid JWT Signature.";
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(account.publicKey());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(signature)) return "Invalid JWT Signature.";
        } catch (GeneralSecurityException e) {
            return "Invalid JWT Signature.";
        }
        String scope = Json.str(claims, "scope");
        if (scope == null || !scope.contains(SCOPE)) return "Invalid OAuth scope or ID token audience provided.";
        if (!audience.equals(Json.str(claims, "aud"))) return "Invalid JWT: aud must be " + audience;
        long now = clock.instant().getEpochSecond();
        long iat = claims.path("iat").asLong(-1);
        long exp = claims.path("exp").asLong(-1);
        if (Math.abs(now - iat) > 300 || exp <= now || exp - iat > 3600) {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values.";
        }
        return null;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void oauthError(HttpServerResponse resp, String error, String description) {
        resp.setStatusCode(400).putHeader("content-type", "application/json")
                .end(Json.buffer(Json.object().put("error", error).put("error_description", description)));
    }
}
