package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.Budget;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.FallbackSpec;
import dev.switchboard.config.Limits;
import dev.switchboard.config.Pricing;
import dev.switchboard.config.RouterSettings;
import dev.switchboard.config.TeamSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.secrets.Keyring;
import dev.switchboard.secrets.SecretBox;
import dev.switchboard.store.jdbc.JdbcStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The repositories, run unchanged on SQLite ({@link SqliteStoreTest}) and PostgreSQL ({@link PostgresStoreTest}). */
abstract class StoreContract {

    static final String OLD = "old:" + Base64.getEncoder().encodeToString(new byte[32]);
    static final String NEW;

    static {
        byte[] k = new byte[32];
        k[0] = 7;
        NEW = "new:" + Base64.getEncoder().encodeToString(k);
    }

    Database db;
    Store store;

    /** A fresh, empty database of the kind under test. */
    abstract Database open();

    @BeforeEach
    void setUp() {
        db = open().migrate();
        store = new JdbcStore(db, new SecretBox(Keyring.parse(OLD)), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static DeploymentSpec deployment(String id, String model, Map<String, String> credentials) {
        return new DeploymentSpec(id, model, "openai-compatible", "up", credentials, "http://127.0.0.1:9/v1", null, 2, 100L, null, 4,
                new Pricing(0.15, 0.6, null, null), new Timeouts(1000L, null, null, 9000L), Map.of("x-team", "a"), true, "api");
    }

    static VirtualKey key(String id, String name, String teamId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new VirtualKey(id, name, UUID.randomUUID().toString().replace("-", "") + "00000000000000000000000000000000", "sk-sb-abcd...",
                teamId, List.of("general", "openai/*"), new Budget(10.0, "monthly"), new Limits(60L, null, null, 2, null), "Be brief.",
                now.plusSeconds(3600), true, Map.of("owner", "ci"), "api", now, now);
    }

    @Test
    void deployment_roundTrips_withCredentialsSealedAtRest() throws Exception {
        DeploymentSpec d = deployment("dep_1", "general", Map.of("apiKey", "sk-plain-credential-42"));
        store.write(tx -> {
            tx.deployments().insert(d);
            return null;
        });
        var r1 = store.read(tx -> tx.deployments().find("dep_1"));
        assertThat(r1).contains(d);
        try (Connection c = db.connection(); ResultSet rs = c.createStatement().executeQuery("SELECT body, credentials FROM deployments")) {
            rs.next();
            assertThat(rs.getString(1)).doesNotContain("sk-plain-credential-42");
            assertThat(rs.getString(2)).doesNotContain("sk-plain-credential-42").contains("\"kid\":\"old\"");
        }
        DeploymentSpec changed = d.with("dep_1", "other", "api");
        var r2 = store.write(tx -> tx.deployments().update(changed));
        assertThat(r2).isTrue();
        var r3 = store.read(tx -> tx.deployments().all());
        assertThat(r3).containsExactly(changed);
        var r4 = store.write(tx -> tx.deployments().delete("dep_1"));
        assertThat(r4).isTrue();
        var r5 = store.read(tx -> tx.deployments().find("dep_1"));
        assertThat(r5).isEmpty();
    }

    @Test
    void deployment_withoutCredentials_storesNoEnvelope() {
        store.write(tx -> {
            tx.deployments().insert(deployment("dep_2", "m", Map.of()));
            return null;
        });
        var r6 = store.read(tx -> tx.deployments().find("dep_2")).orElseThrow().credentials();
        assertThat(r6).isEmpty();
    }

    @Test
    void reseal_movesEveryCredentialToTheActiveKey_andOnlyThose() {
        store.write(tx -> {
            tx.deployments().insert(deployment("dep_a", "m", Map.of("apiKey", "a")));
            tx.deployments().insert(deployment("dep_b", "m", Map.of("apiKey", "b")));
            return null;
        });
        Store rotated = new JdbcStore(db, new SecretBox(Keyring.parse(NEW + "," + OLD)), Clock.systemUTC());
        var r7 = rotated.write(tx -> tx.deployments().reseal());
        assertThat(r7).isEqualTo(2);
        var r8 = rotated.write(tx -> tx.deployments().reseal());
        assertThat(r8).isZero();
        Store onlyNew = new JdbcStore(db, new SecretBox(Keyring.parse(NEW)), Clock.systemUTC());
        var r9 = onlyNew.read(tx -> tx.deployments().find("dep_a")).orElseThrow().credential("apiKey");
        assertThat(r9).isEqualTo("a");
    }

    @Test
    void everyWrite_bumpsTheVersion_andAFailedWrite_doesNot() {
        long v0 = store.version();
        store.write(tx -> {
            tx.teams().insert(new TeamSpec("team_1", "one", null, null, Map.of(), "api"));
            return null;
        });
        long v1 = store.version();
        assertThat(v1).isGreaterThan(v0);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.teams().insert(new TeamSpec("team_2", "two", null, null, Map.of(), "api"));
            tx.teams().insert(new TeamSpec("team_3", "one", null, null, Map.of(), "api")); // name taken: the whole write rolls back
            return null;
        })).isInstanceOf(StoreConflictException.class)
                .hasMessageEndingWith(": another entry already has that name or id").hasMessageNotContaining("constraint");
        var r10 = store.version();
        assertThat(r10).isEqualTo(v1);
        var r11 = store.read(tx -> tx.teams().find("team_2"));
        assertThat(r11).isEmpty();
    }

    @Test
    void keys_roundTrip_uniqueNameAndHash_andTeamReference() {
        store.write(tx -> {
            tx.teams().insert(new TeamSpec("team_k", "keys-team", new Budget(5.0, "daily"), null, Map.of("a", 1), "api"));
            return null;
        });
        VirtualKey k = key("key_1", "ci", "team_k");
        store.write(tx -> {
            tx.keys().insert(k);
            return null;
        });
        var r12 = store.read(tx -> tx.keys().find("key_1"));
        assertThat(r12).contains(k);
        var r13 = store.read(tx -> tx.keys().findByName("ci"));
        assertThat(r13).contains(k);
        var r14 = store.read(tx -> tx.keys().countInTeam("team_k"));
        assertThat(r14).isEqualTo(1);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.keys().insert(key("key_2", "ci", null));
            return null;
        })).isInstanceOf(StoreConflictException.class);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.keys().insert(new VirtualKey("key_3", "other", k.keyHash(), "p", null, null, null, null, null, null, true, null, "api", null, null));
            return null;
        })).isInstanceOf(StoreConflictException.class);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.keys().insert(key("key_4", "ghost-team", "team_missing"));
            return null;
        })).isInstanceOf(StoreConflictException.class).hasMessageNotContaining("constraint");
        Page<VirtualKey> page = store.read(tx -> tx.keys().page(10, 0));
        assertThat(page.total()).isEqualTo(1);
        assertThat(page.items()).containsExactly(k);
    }

    @Test
    void teams_pageInCreationOrder() {
        store.write(tx -> {
            for (int i = 0; i < 5; i++) tx.teams().insert(new TeamSpec("team_" + i, "t" + i, null, null, Map.of(), "api"));
            return null;
        });
        Page<TeamSpec> page = store.read(tx -> tx.teams().page(2, 2));
        assertThat(page.total()).isEqualTo(5);
        assertThat(page.items()).extracting(TeamSpec::name).containsExactly("t2", "t3");
    }

    @Test
    void fallbacks_upsertByPrimaryAndReason() {
        store.write(tx -> {
            tx.fallbacks().upsert(new FallbackSpec("general", "general", List.of("a"), "api"));
            tx.fallbacks().upsert(new FallbackSpec("general", "rate_limit", List.of("b"), "file"));
            tx.fallbacks().upsert(new FallbackSpec("general", "general", List.of("c", "d"), "api"));
            return null;
        });
        var r15 = store.read(tx -> tx.fallbacks().all());
        assertThat(r15).containsExactly(
                new FallbackSpec("general", "general", List.of("c", "d"), "api"),
                new FallbackSpec("general", "rate_limit", List.of("b"), "file"));
        var r16 = store.write(tx -> tx.fallbacks().delete("general", "general"));
        assertThat(r16).isTrue();
        var r17 = store.read(tx -> tx.fallbacks().find("general", "general"));
        assertThat(r17).isEmpty();
    }

    @Test
    void routerSettings_isOneDocument() {
        var r18 = store.read(tx -> tx.routerSettings().get());
        assertThat(r18).isEmpty();
        RouterSettings r = new RouterSettings("least-busy", Map.of("m", new RouterSettings.ModelOverride("cost-based")), 4, null, null,
                null, null, null, "reject", null, null);
        store.write(tx -> {
            tx.routerSettings().put(RouterSettings.DEFAULTS, "file");
            tx.routerSettings().put(r, "api");
            return null;
        });
        var r19 = store.read(tx -> tx.routerSettings().get());
        assertThat(r19).contains(new RouterSettingsRepository.Stored(r, "api"));
        store.write(tx -> {
            tx.routerSettings().clear();
            return null;
        });
        var r20 = store.read(tx -> tx.routerSettings().get());
        assertThat(r20).isEmpty();
    }

    @Test
    void masterKey_firstWriterWins() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[0] = 1;
        var r21 = store.write(tx -> tx.masterKey().setIfAbsent(a));
        assertThat(r21).isTrue();
        var r22 = store.write(tx -> tx.masterKey().setIfAbsent(b));
        assertThat(r22).isFalse();
        var r23 = store.read(tx -> tx.masterKey().hash());
        assertThat(r23).hasValueSatisfying(h -> assertThat(h).isEqualTo(a));
        store.write(tx -> {
            tx.masterKey().set(b);
            return null;
        });
        var r24 = store.read(tx -> tx.masterKey().hash()).map(h -> h[0]);
        assertThat(r24).isEqualTo(Optional.of((byte) 1));
    }

    @Test
    void newestMigration_isTheNewestOfThisBuildsScripts() throws Exception {
        int newest = 0;
        for (String dir : new String[] {"db/migration/common", "db/migration/" + db.kind().name().toLowerCase()}) {
            java.net.URL url = getClass().getClassLoader().getResource(dir);
            if (url == null) continue;
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(url.toURI()))) {
                for (String name : files.map(f -> f.getFileName().toString()).toList()) {
                    newest = Math.max(newest, Integer.parseInt(name.substring(1, name.indexOf("__"))));
                }
            }
        }
        assertThat(Database.NEWEST_MIGRATION).isEqualTo(newest);
    }

    @Test
    void migrate_ofACurrentStore_readsItsHistoryOnly_andAStoreBehindIsMigrated() throws Exception {
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            int checksum;
            try (java.sql.ResultSet rs = st.executeQuery("SELECT checksum FROM flyway_schema_history WHERE version = '1'")) {
                rs.next();
                checksum = rs.getInt(1);
            }
            // a changed checksum, which Flyway's validation refuses, is not looked at once the store is current
            st.executeUpdate("UPDATE flyway_schema_history SET checksum = " + (checksum + 1) + " WHERE version = '1'");
            db.migrate();
            st.executeUpdate("UPDATE flyway_schema_history SET checksum = " + checksum + " WHERE version = '1'");

            // one migration behind: Flyway runs it
            st.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '" + Database.NEWEST_MIGRATION + "'");
            st.executeUpdate("DROP TABLE usage_records");
            db.migrate();
            try (java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM usage_records")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void migrate_twice_isHarmless() {
        db.migrate();
        var r25 = store.version();
        assertThat(r25).isPositive();
    }

    @Test
    void responses_insertFindDelete_withoutBumpingTheConfigVersion() {
        long version = store.version();
        ResponseRepository repo = store.responses();
        var r1 = new dev.switchboard.pipeline.StoredResponse("resp_1", "key_a", "general", 1_700_000_000L,
                "{\"id\":\"resp_1\",\"output\":[]}", "[{\"type\":\"message\",\"role\":\"user\",\"content\":\"h\u00e9\"}]");
        var r2 = new dev.switchboard.pipeline.StoredResponse("resp_2", "master", "general", 1_700_000_001L, "{}", "[]");
        repo.insertAll(List.of(r1, r2));
        repo.insertAll(List.of(r1)); // a repeated write keeps the row as it is
        assertThat(repo.find("resp_1")).contains(r1);
        assertThat(repo.find("resp_2")).contains(r2);
        assertThat(repo.find("resp_3")).isEmpty();
        assertThat(repo.delete("resp_1")).isTrue();
        assertThat(repo.delete("resp_1")).isFalse();
        assertThat(repo.find("resp_1")).isEmpty();
        assertThat(store.version()).isEqualTo(version);
    }

    /** Several statements' worth of rows and a remainder, every optional value both ways, read back as written. */
    @Test
    void usage_insertAll_storesEveryRecordOnce_andReadsItBackAsWritten() {
        UsageRepository repo = store.usage();
        List<dev.switchboard.usage.UsageRecord> first = new java.util.ArrayList<>();
        for (int i = 0; i < 137; i++) first.add(usageRecord(i));
        repo.insertAll(first);
        assertThat(repo.count()).isEqualTo(137);

        // a replay overlapping what is stored (as from a spool file) adds only the new ones
        List<dev.switchboard.usage.UsageRecord> again = new java.util.ArrayList<>();
        for (int i = 100; i < 160; i++) again.add(usageRecord(i));
        repo.insertAll(again);
        assertThat(repo.count()).isEqualTo(160);

        for (int i : new int[] {0, 1, 49, 50, 99, 100, 136, 137, 159}) {
            assertThat(repo.forRequest("req_" + i)).containsExactly(usageRecord(i));
        }
    }

    /** Records most of which share who asked for what and how it ended (as at load), interleaved with ones that share nothing. */
    @Test
    void usage_insertAll_ofRecordsSharingTheirShape_storesEachAsWritten() {
        UsageRepository repo = store.usage();
        List<dev.switchboard.usage.UsageRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 230; i++) batch.add(i % 20 == 19 ? usageRecord(1000 + i) : shaped(i, i % 3));
        repo.insertAll(batch);
        assertThat(repo.count()).isEqualTo(230);
        for (dev.switchboard.usage.UsageRecord r : batch) assertThat(repo.forRequest(r.requestId())).containsExactly(r);
        repo.insertAll(batch.subList(100, 230)); // a replay of stored records adds nothing
        assertThat(repo.count()).isEqualTo(230);
    }

    /** Record {@code i} of shape {@code s}: its own id, times, tokens and cost; the shape's key, model, deployment, end and tags. */
    private static dev.switchboard.usage.UsageRecord shaped(int i, int s) {
        return new dev.switchboard.usage.UsageRecord(String.format("us_%08d", i), "req_s" + i, 1_763_700_000_000L + i * 7L,
                s == 0 ? null : "key_" + s, s == 2 ? "team_b" : null, "model-" + s, "dep_" + s, "openai", "gpt-" + s,
                10 + i, 20 + i, i % 4, i % 3, i % 2, s == 1, i % 5 == 0 ? null : i / 1e6, 5 + i, i % 2 == 0 ? 7L + i : null,
                s == 2 ? 429 : 200, s == 2 ? "miss" : "bypass", 1 + s, s == 1 ? List.of("web", "beta") : List.of());
    }

    @Test
    void usage_summarize_aGroupWithNoPricedRecord_hasNoCost() {
        UsageRepository repo = store.usage();
        List<dev.switchboard.usage.UsageRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) records.add(usageRecord(i)); // odd records are unpriced, even ones priced
        repo.insertAll(records);
        java.time.Instant from = java.time.Instant.ofEpochMilli(1_763_700_000_000L);
        Map<String, dev.switchboard.usage.UsageGroup> byKey = new java.util.HashMap<>();
        for (var g : repo.summarize(dev.switchboard.usage.UsageGroup.By.KEY, from, from.plusSeconds(60))) byKey.put(g.group(), g);
        assertThat(byKey.get("key_1").costUsd()).as("only unpriced records").isNull();
        assertThat(byKey.get(null).costUsd()).isCloseTo((0 + 2 + 4) / 1e6, org.assertj.core.api.Assertions.within(1e-12));
    }

    private static dev.switchboard.usage.UsageRecord usageRecord(int i) {
        boolean odd = i % 2 == 1;
        return new dev.switchboard.usage.UsageRecord(String.format("ur_%08d", i), "req_" + i, 1_763_700_000_000L + i * 1_000L,
                odd ? "key_" + i : null, odd ? "team_a" : null, "model-" + (i % 3), "dep_" + (i % 5), "openai", "gpt-" + i,
                10 + i, 20 + i, i % 4, i % 3, i % 2, odd, odd ? null : i / 1e6, 5 + i, odd ? 7L + i : null, odd ? 200 : 429,
                odd ? "bypass" : "miss", 1 + i % 3, odd ? List.of("a", "b" + i) : List.of());
    }
}
