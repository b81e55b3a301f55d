package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.app.Gateway;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestClock;
import dev.switchboard.testing.TestStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Usage in the store, on SQLite and PostgreSQL alike: {@code GET /admin/usage} sums in SQL by
 * model, key, team and day over a range, and a gateway that closes writes every record of the
 * requests it answered before its store closes.
 */
class UsageStoreTest {

    private static final String ALICE = "sk-sb-alice-store-0123456789abcdefghijklmnopq";
    private static final String CONFIG = """
            models:
              a:
                - { provider: simulator, upstreamModel: echo }
              b:
                - { provider: simulator, upstreamModel: echo }
            teams:
              - { name: research }
            keys:
              - { name: alice, key: "%s", team: research }
            """.formatted(ALICE);
    /** One "hi": 3 + (3 + 1) input tokens, one output token; at 1 and 2 USD per million. */
    private static final double COST = (7 * 1.0 + 1 * 2.0) / 1e6;

    @ParameterizedTest
    @EnumSource(TestStore.Kind.class)
    void adminUsage_sumsByModelKeyTeamAndDay_overARange(TestStore.Kind kind) {
        TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
        try (TestStore store = kind.open(); GatewayFixture gw = store.gateway().clock(clock).config(CONFIG).start()) {
            Admin.assertChatOk(gw.chat(ALICE, "a"));
            Admin.assertChatOk(gw.chat(ALICE, "a"));
            Admin.assertChatOk(gw.chat(GatewayFixture.MASTER_KEY, "b"));
            clock.advance(Duration.ofDays(1));
            Admin.assertChatOk(gw.chat(ALICE, "b"));
            assertThat(Await.until(() -> gw.gateway().store().usage().count() == 4, Duration.ofSeconds(10))).isTrue();
            String alice = StreamSupport.stream(Admin.get(gw, "/admin/keys").spliterator(), false)
                    .filter(k -> k.path("name").asText().equals("alice")).findFirst().orElseThrow().path("id").asText();
            String research = Admin.get(gw, "/admin/teams").get(0).path("id").asText();

            JsonNode byModel = usage(gw, "?groupBy=model&from=2026-11-20&to=2026-11-22");
            assertThat(byModel.path("groupBy").asText()).isEqualTo("model");
            assertThat(byModel.path("from").asText()).isEqualTo("2026-11-20T00:00:00Z");
            assertGroup(byModel.get("data").get(0), "a", 2);
            assertGroup(byModel.get("data").get(1), "b", 2);
            assertThat(byModel.get("data")).hasSize(2);

            JsonNode byKey = usage(gw, "?groupBy=key&from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z").get("data");
            assertThat(groups(byKey)).containsExactlyInAnyOrder(alice, "master");
            assertGroup(find(byKey, alice), alice, 3);
            assertGroup(find(byKey, "master"), "master", 1);

            JsonNode byTeam = usage(gw, "?groupBy=team&from=2026-11-20&to=2026-11-22").get("data");
            assertThat(byTeam.get(0).path("group").isNull()).as("the master key has no team: the null group comes first").isTrue();
            assertThat(byTeam.get(0).path("requests").asLong()).isEqualTo(1);
            assertGroup(byTeam.get(1), research, 3);

            JsonNode byDay = usage(gw, "?groupBy=day&from=2026-11-20&to=2026-11-22").get("data");
            assertGroup(byDay.get(0), "2026-11-20", 3);
            assertGroup(byDay.get(1), "2026-11-21", 1);

            JsonNode secondDay = usage(gw, "?groupBy=model&from=2026-11-21&to=2026-11-22").get("data");
            assertThat(secondDay).hasSize(1);
            assertGroup(secondDay.get(0), "b", 1);
            JsonNode firstDay = usage(gw, "?groupBy=day&from=2026-11-01&to=2026-11-21").get("data");
            assertThat(groups(firstDay)).as("'to' is exclusive").containsExactly("2026-11-20");
            assertThat(usage(gw, "?from=2026-10-01&to=2026-10-02").get("data")).isEmpty();

            clock.advance(Duration.ofMinutes(1));
            JsonNode defaults = usage(gw, "");
            assertThat(defaults.path("groupBy").asText()).isEqualTo("model");
            assertThat(defaults.path("to").asText()).isEqualTo("2026-11-21T10:01:00Z");
            assertThat(defaults.path("from").asText()).isEqualTo("2026-10-22T10:01:00Z");
            assertThat(groups(defaults.get("data"))).containsExactly("a", "b");

            Admin.assertError(gw.get("/admin/usage?groupBy=provider"), 400, "invalid_request_error", "invalid_request");
            assertThat(Admin.json(gw.get("/admin/usage?groupBy=provider")).at("/error/param").asText()).isEqualTo("groupBy");
            Admin.assertError(gw.get("/admin/usage?from=2026-11-22&to=2026-11-20"), 400, "invalid_request_error", "invalid_request");
            Admin.assertError(gw.get("/admin/usage?from=yesterday"), 400, "invalid_request_error", "invalid_request");
            Admin.assertError(gw.get("/admin/usage", "authorization", "Bearer " + ALICE), 403, "permission_error", "admin_only");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStore.Kind.class)
    void close_flushesTheRecordOfEveryAnsweredRequest_beforeTheStoreCloses(TestStore.Kind kind) {
        int n = 40;
        Set<String> ids = new HashSet<>();
        try (TestStore store = kind.open()) {
            try (GatewayFixture gw = store.gateway().config(CONFIG).start()) {
                for (int i = 0; i < n; i++) {
                    HttpResponse<String> r = gw.chat(ALICE, i % 2 == 0 ? "a" : "b");
                    Admin.assertChatOk(r);
                    ids.add(r.headers().firstValue("x-request-id").orElseThrow());
                }
            } // closed at once: most records are still queued
            try (GatewayFixture again = store.gateway().config(CONFIG).start()) {
                assertThat(again.gateway().store().usage().count()).isEqualTo(n);
                for (String id : ids) assertThat(again.gateway().store().usage().forRequest(id)).hasSize(1);
                assertThat(Files.exists(store.dataDir().resolve(Gateway.USAGE_SPOOL))).isFalse();
                assertThat(again.gateway().usage().dropped()).isZero();
            }
        }
    }

    private static JsonNode usage(GatewayFixture gw, String query) {
        HttpResponse<String> r = gw.get("/admin/usage" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Admin.json(r);
    }

    private static void assertGroup(JsonNode g, String group, long requests) {
        assertThat(g.path("group").asText()).isEqualTo(group);
        assertThat(g.path("requests").asLong()).isEqualTo(requests);
        assertThat(g.path("inputTokens").asLong()).isEqualTo(7 * requests);
        assertThat(g.path("outputTokens").asLong()).isEqualTo(requests);
        assertThat(g.path("costUsd").asDouble()).isCloseTo(COST * requests, within(1e-12));
    }

    private static List<String> groups(JsonNode data) {
        return StreamSupport.stream(data.spliterator(), false).map(g -> g.path("group").asText()).toList();
    }

    private static JsonNode find(JsonNode data, String group) {
        return StreamSupport.stream(data.spliterator(), false).filter(g -> g.path("group").asText().equals(group)).findFirst().orElseThrow();
    }
}
