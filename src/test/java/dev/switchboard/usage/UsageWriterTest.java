package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.StoreException;
import dev.switchboard.store.UsageRepository;
import dev.switchboard.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The usage writer against a repository in memory that can block, fail, and counts what it is given. */
class UsageWriterTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private Path dir;
    private Path spool;
    private final FakeRepository repo = new FakeRepository();

    @BeforeEach
    void dir() throws IOException {
        dir = Files.createTempDirectory("usage-writer");
        spool = dir.resolve("usage-spool.jsonl");
    }

    @AfterEach
    void clean() throws IOException {
        repo.release.countDown();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static UsageRecord record(int n) {
        return new UsageRecord("use_" + n, "req_" + n, Instant.parse("2026-11-21T00:00:00Z").toEpochMilli() + n, "master", null,
                "m", "dep_1", "simulator", "echo", 10, 5, 2, 1, 0, false, 2.0e-5, 3, null, 200, "bypass", 1, List.of("t"));
    }

    @Test
    void fullQueue_dropsAndCounts_withoutBlockingTheCaller() throws Exception {
        repo.block = true;
        try (UsageWriter w = new UsageWriter(repo, spool, 3, Duration.ofMillis(10), Duration.ofSeconds(1))) {
            w.offer(record(0));
            assertThat(repo.entered.await(10, TimeUnit.SECONDS)).as("the writer took the first record and is inside the store").isTrue();
            long started = System.nanoTime();
            for (int i = 1; i <= 8; i++) w.offer(record(i));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("offer never waits for the store").isLessThan(Duration.ofSeconds(1));
            assertThat(w.queued()).isEqualTo(3);
            assertThat(w.dropped()).isEqualTo(5);

            repo.release.countDown();
            assertThat(Await.until(() -> repo.rows.size() == 4, LIMIT)).isTrue();
            assertThat(repo.rows.keySet()).containsExactlyInAnyOrder("use_0", "use_1", "use_2", "use_3");
            assertThat(w.dropped()).isEqualTo(5);
        }
    }

    @Test
    void close_writesEverythingQueued_evenBeforeABatchFills() {
        UsageWriter w = new UsageWriter(repo, spool, 1_000, Duration.ofSeconds(30), Duration.ofSeconds(1));
        for (int i = 0; i < 450; i++) w.offer(record(i));
        w.close();
        assertThat(repo.rows).hasSize(450);
        assertThat(w.stored()).isEqualTo(450);
        w.offer(record(999));
        assertThat(w.dropped()).as("a closed writer takes nothing").isEqualTo(1);
    }

    @Test
    void storeOutage_spoolsToTheFile_thenReplaysExactlyOnce() throws Exception {
        repo.down.set(true);
        try (UsageWriter w = new UsageWriter(repo, spool, 1_000, Duration.ofMillis(20), Duration.ofMillis(50))) {
            for (int i = 0; i < 30; i++) w.offer(record(i));
            assertThat(Await.until(() -> lines() == 30, LIMIT)).as("every record spooled while the store is down").isTrue();
            assertThat(repo.rows).isEmpty();
            assertThat(w.dropped()).isZero();

            for (int i = 30; i < 40; i++) w.offer(record(i)); // behind the spool, not ahead of it
            repo.down.set(false);
            // the writer counts a replay once its file is gone: wait for the count as well, not only the rows
            assertThat(Await.until(() -> repo.rows.size() == 40 && !Files.exists(spool) && w.stored() == 40, LIMIT)).isTrue();
            assertThat(repo.inserts.values()).as("each record reached the store once").allMatch(n -> n == 1);
        }
    }

    @Test
    void replayCutHalfway_isReplayedAgain_andConflictsKeepEachRecordOnce() throws Exception {
        repo.down.set(true);
        // room for every record at once: none may be dropped while the writer spools
        try (UsageWriter w = new UsageWriter(repo, spool, 2 * UsageWriter.BATCH, Duration.ofMillis(20), Duration.ofMillis(50))) {
            for (int i = 0; i < UsageWriter.BATCH + 50; i++) w.offer(record(i));
            assertThat(Await.until(() -> lines() == UsageWriter.BATCH + 50, LIMIT)).isTrue();
            repo.failAfterBatches.set(1); // the first replay stores one batch, then the store goes away again
            repo.down.set(false);
            assertThat(Await.until(() -> repo.rows.size() == UsageWriter.BATCH + 50 && !Files.exists(spool), LIMIT)).isTrue();
            assertThat(repo.inserts.values()).as("the first batch was offered twice").contains(2);
            assertThat(repo.rows).hasSize(UsageWriter.BATCH + 50);
        }
    }

    @Test
    void spoolLeftByAPreviousRun_isReplayedAtStart() {
        repo.down.set(true);
        UsageWriter first = new UsageWriter(repo, spool, 100, Duration.ofMillis(20), Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) first.offer(record(i));
        first.close();
        assertThat(lines()).as("close spools what the store refuses").isEqualTo(5);

        repo.down.set(false);
        try (UsageWriter second = new UsageWriter(repo, spool, 100, Duration.ofMillis(20), Duration.ofSeconds(60))) {
            assertThat(Await.until(() -> repo.rows.size() == 5 && !Files.exists(spool), LIMIT)).isTrue();
            assertThat(repo.rows.get("use_3")).isEqualTo(record(3));
        }
    }

    private long lines() {
        try {
            return Files.exists(spool) ? Files.readAllLines(spool).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return -1;
        }
    }

    /** A table in memory keyed by record id, as the real one: a second insert of an id is ignored. */
    static final class FakeRepository implements UsageRepository {
        final Map<String, UsageRecord> rows = new ConcurrentHashMap<>();
        final Map<String, Integer> inserts = new ConcurrentHashMap<>();
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger failAfterBatches = new AtomicInteger(-1);
        volatile boolean block;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void insertAll(List<UsageRecord> batch) {
            if (block) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (down.get()) throw new StoreException("the store is down");
            if (failAfterBatches.get() == 0) {
                failAfterBatches.set(-1);
                throw new StoreException("the store went away mid-replay");
            }
            if (failAfterBatches.get() > 0) failAfterBatches.decrementAndGet();
            for (UsageRecord r : new ArrayList<>(batch)) {
                inserts.merge(r.id(), 1, Integer::sum);
                rows.putIfAbsent(r.id(), r);
            }
        }

        @Override
        public List<UsageGroup> summarize(UsageGroup.By by, Instant from, Instant to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<UsageRecord> forRequest(String requestId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long count() {
            return rows.size();
        }
    }
}
