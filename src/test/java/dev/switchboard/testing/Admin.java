package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;

/** Admin API calls for tests: the status is asserted (the body is in the failure message) and the {@code data} returned. */
public final class Admin {

    private Admin() {}

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.parse(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (status " + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** {@code POST path body}, expecting 201; the created entity. */
    public static JsonNode create(GatewayFixture gw, String path, String body) {
        return data(gw.post(path, body), 201);
    }

    /** {@code GET path}, expecting 200; the {@code data} (an object, or the array of a list). */
    public static JsonNode get(GatewayFixture gw, String path) {
        return data(gw.get(path), 200);
    }

    public static JsonNode data(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as("%s %s answered %s", r.request().method(), r.request().uri().getPath(), r.body()).isEqualTo(status);
        return json(r).get("data");
    }

    /** Asserts the contract's OpenAI-shaped error: status, {@code type} and {@code code}, and a message. */
    public static void assertError(HttpResponse<String> r, int status, String type, String code) {
        assertThat(r.statusCode()).as("status of %s %s: %s", r.request().method(), r.request().uri().getPath(), r.body()).isEqualTo(status);
        JsonNode error = json(r).get("error");
        assertThat(error).as("error object in %s", r.body()).isNotNull();
        assertThat(error.path("type").asText()).as("error.type in %s", r.body()).isEqualTo(type);
        assertThat(error.path("code").asText()).as("error.code in %s", r.body()).isEqualTo(code);
        assertThat(error.path("message").asText()).as("error.message in %s", r.body()).isNotBlank();
    }

    /** A chat answered 200 with an assistant message. */
    public static void assertChatOk(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("chat answered %s", r.body()).isEqualTo(200);
        assertThat(json(r).at("/choices/0/message/role").asText()).isEqualTo("assistant");
    }
}
