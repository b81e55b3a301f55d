package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.secrets.Keyring;
import dev.switchboard.secrets.SecretBox;
import dev.switchboard.store.Database;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.JdbcStore;
import dev.switchboard.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSyncTest {

    @TempDir
    Path dir;

    static String keyring(String kid, int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return kid + ":" + Base64.getEncoder().encodeToString(k);
    }

    static DeploymentSpec sealed(String id, String model) {
        return new DeploymentSpec(id, model, "openai-compatible", "up", Map.of("apiKey", "k"), "http://127.0.0.1:9/v1", null, 1, null, null,
                null, null, null, Map.of(), true, "api");
    }

    Store store(String keyring) {
        return new JdbcStore(Database.open(Optional.empty(), dir).migrate(), new SecretBox(Keyring.parse(keyring)), Clock.systemUTC());
    }

    @Test
    void aWriteThisInstanceCannotOpen_keepsTheLastSnapshot_andReadinessGreen_untilTheStoreMovesOn() {
        Store mine = store(keyring("old", 1));
        Store other = store(keyring("new", 2)); // another instance, already on a key this one lacks
        SnapshotBuilder builder = new SnapshotBuilder(ProviderRegistry.standard(Clock.systemUTC()), name -> null, Clock.systemUTC());
        try (ConfigSync sync = new ConfigSync(mine, builder, Duration.ofMillis(20), null)) {
            sync.start();
            long before = sync.snapshots().get().version();
            other.write(tx -> {
                tx.deployments().insert(sealed("dep_new", "sealed-with-new"));
                return null;
            });
            long unreadable = other.version();
            // let the poller see the unreadable version and give up on it
            assertThat(Await.until(() -> sync.failedVersion() == unreadable, Duration.ofSeconds(5))).isTrue();
            assertThat(sync.storeUp()).isTrue();
            assertThat(sync.snapshots().get().version()).isEqualTo(before);

            other.write(tx -> tx.deployments().delete("dep_new"));
            assertThat(Await.until(() -> sync.snapshots().get().version() == other.version(), Duration.ofSeconds(5))).isTrue();
            assertThat(sync.storeUp()).isTrue();
        } finally {
            mine.close();
            other.close();
        }
    }
}
