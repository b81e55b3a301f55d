package dev.switchboard.ingress.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A public model name may hold a slash and a colon: every Gemini route finds it, a GET included. */
class GeminiModelNamesTest {

    @Test
    void aModelNamedWithASlashAndAColon_isServedAndGotten() throws IOException {
        try (GatewayFixture gw = GatewayFixture.builder().config("""
                models:
                  "team/gem:v1":
                    - { provider: simulator, upstreamModel: echo }
                """).start()) {
            GeminiClient client = new GeminiClient(gw, GatewayFixture.MASTER_KEY);

            HttpResponse<String> got = client.get("/v1beta/models/team/gem:v1");
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(Json.parse(got.body()).path("name").asText()).isEqualTo("models/team/gem:v1");
            assertThat(client.post("/v1beta/models/team/gem:v1:generateContent", GeminiApiTest.user("hi")).statusCode()).isEqualTo(200);
            assertThat(client.get("/v1beta/models/team/gem:v2").statusCode()).isEqualTo(404);
        }
    }
}
