package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw-HTTP Gemini client for component tests (the contract's "raw HTTP for Gemini"): it sends
 * exactly the headers it is given — no default key — and reads SSE and JSON-array streams.
 */
final class GeminiClient {

    private final GatewayFixture gw;
    private final String key;

    GeminiClient(GatewayFixture gw, String key) {
        this.gw = gw;
        this.key = key;
    }

    /** POST with the key as {@code x-goog-api-key} (unless null) and any extra header pairs. */
    HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url(path))).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        return send(b, headers);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(gw.url(path))).timeout(Duration.ofSeconds(20)).GET(), headers);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String... headers) {
        if (key != null) b.header("x-goog-api-key", key);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            return gw.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.parse(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** The {@code data:} payloads of an SSE body, parsed; blank keep-alive lines are skipped. */
    static List<JsonNode> events(String sse) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : sse.split("\r?\n")) {
            if (line.isEmpty()) continue;
            if (!line.startsWith("data: ")) throw new AssertionError("not an SSE data line: '" + line + "' in " + sse);
            try {
                out.add(Json.parse(line.substring(6)));
            } catch (IOException e) {
                throw new AssertionError("bad JSON in " + line, e);
            }
        }
        return out;
    }

    /** The concatenated text of every candidate-0 non-thought text part across chunks. */
    static String text(List<JsonNode> chunks) {
        StringBuilder out = new StringBuilder();
        for (JsonNode c : chunks) out.append(text(c));
        return out.toString();
    }

    static String text(JsonNode response) {
        StringBuilder out = new StringBuilder();
        for (JsonNode p : response.path("candidates").path(0).path("content").path("parts")) {
            if (p.has("text") && !p.path("thought").asBoolean()) out.append(p.get("text").asText());
        }
        return out.toString();
    }
}
