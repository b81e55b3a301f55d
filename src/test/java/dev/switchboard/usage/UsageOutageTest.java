package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.app.Gateway;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.PrivatePostgres;
import dev.switchboard.testing.TestStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store goes away while requests are answered: their usage records are spooled to the data
 * dir, and replayed once it answers again — each stored exactly once, the spool file gone.
 * PostgreSQL only: an SQLite file cannot be taken away from a running process the same way.
 */
class UsageOutageTest {

    /** Hikari's 3 s connection timeout per refused batch, plus the writer's 1 s flush: generous. */
    private static final Duration SPOOLED = Duration.ofSeconds(20);
    private static final Duration REPLAYED = Duration.ofSeconds(20);

    @Test
    void storeDown_recordsSpoolToTheDataDir_andReplayExactlyOnceWhenItReturns() throws Exception {
        Path dataDir = Files.createTempDirectory("usage-outage");
        String keyring = TestStore.newKeyring();
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            List<String> ids = new ArrayList<>();
            Path spool = dataDir.resolve(Gateway.USAGE_SPOOL);
            try (GatewayFixture gw = GatewayFixture.builder().dataDir(dataDir).env("DATABASE_URL", pg.databaseUrl())
                    .env("ENCRYPTION_KEYS", keyring).config("models:\n  m:\n    - { provider: simulator, upstreamModel: echo }\n").start()) {
                ids.add(chat(gw));
                assertThat(Await.until(() -> gw.gateway().store().usage().count() == 1, REPLAYED)).isTrue();

                pg.stop();
                for (int i = 0; i < 12; i++) ids.add(chat(gw)); // the data plane serves from its snapshot
                assertThat(Await.until(() -> lines(spool) == 12, SPOOLED))
                        .as("the 12 records are in the spool file within %s", SPOOLED).isTrue();
                assertThat(gw.gateway().usage().dropped()).isZero();

                pg.restart();
                assertThat(Await.until(() -> !Files.exists(spool), REPLAYED)).as("the spool is replayed and deleted").isTrue();
                assertThat(gw.gateway().store().usage().count()).isEqualTo(13);
                ids.add(chat(gw));
            }
            try (GatewayFixture again = GatewayFixture.builder().dataDir(dataDir).env("DATABASE_URL", pg.databaseUrl())
                    .env("ENCRYPTION_KEYS", keyring).config("models:\n  m:\n    - { provider: simulator, upstreamModel: echo }\n").start()) {
                assertThat(again.gateway().store().usage().count()).isEqualTo(14);
                for (String id : ids) assertThat(again.gateway().store().usage().forRequest(id)).as("request %s", id).hasSize(1);
            }
        } finally {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String chat(GatewayFixture gw) {
        HttpResponse<String> r = gw.chat(GatewayFixture.MASTER_KEY, "m");
        Admin.assertChatOk(r);
        return r.headers().firstValue("x-request-id").orElseThrow();
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
