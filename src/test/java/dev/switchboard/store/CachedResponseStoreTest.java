package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.pipeline.StoredResponse;
import dev.switchboard.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache in front and the bounded batch writer behind, over an in-memory repository. */
class CachedResponseStoreTest {

    /** A repository in memory that counts reads and batches, and can be held shut. */
    static final class MemoryRepository implements ResponseRepository {
        final Map<String, StoredResponse> rows = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        final List<Integer> batches = new ArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public Optional<StoredResponse> find(String id) {
            reads.incrementAndGet();
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public void insertAll(List<StoredResponse> batch) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (batches) {
                batches.add(batch.size());
            }
            batch.forEach(r -> rows.putIfAbsent(r.id(), r));
        }

        @Override
        public boolean delete(String id) {
            return rows.remove(id) != null;
        }
    }

    final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    final MemoryRepository repo = new MemoryRepository();

    @AfterEach
    void tearDown() {
        blocking.shutdown();
    }

    static StoredResponse response(String id) {
        return new StoredResponse(id, "key_a", "m", 1, "{}", "[]");
    }

    static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void save_isReadableAtOnce_fromMemory_thenPersistedInOneBatch() throws Exception {
        try (CachedResponseStore store = new CachedResponseStore(repo, blocking, 100, 100, Duration.ofSeconds(1))) {
            // a first row, written: the writer has made its pass and rests for a second, so the five
            // saved next all wait for its next pass (a writer thread that started late once took
            // three of them, then two)
            store.save(response("resp_first"));
            assertThat(Await.until(() -> repo.rows.size() == 1, Duration.ofSeconds(5))).isTrue();
            for (int i = 0; i < 5; i++) store.save(response("resp_" + i));
            assertThat(await(store.find("resp_3"))).contains(response("resp_3"));
            assertThat(repo.reads.get()).isZero();
            assertThat(Await.until(() -> repo.rows.size() == 6, Duration.ofSeconds(5))).isTrue();
            assertThat(repo.batches).containsExactly(1, 5);
        }
    }

    @Test
    void find_miss_readsTheRepository_andCachesWhatItFinds() throws Exception {
        repo.rows.put("resp_x", response("resp_x"));
        try (CachedResponseStore store = new CachedResponseStore(repo, blocking, 100, 100, Duration.ofMillis(50))) {
            assertThat(await(store.find("resp_x"))).isPresent();
            assertThat(await(store.find("resp_x"))).isPresent();
            assertThat(await(store.find("resp_none"))).isEmpty();
            assertThat(repo.reads.get()).isEqualTo(2);
        }
    }

    @Test
    void fullQueue_dropsAndCounts_butTheAnswerStaysInMemory() throws Exception {
        repo.gate = new CountDownLatch(1); // the database is stuck
        try (CachedResponseStore store = new CachedResponseStore(repo, blocking, 100, 2, Duration.ofMillis(20))) {
            store.save(response("resp_0")); // taken by the writer, which then hangs on the gate
            Thread.sleep(60); // the writer takes it off the queue within one flush period
            store.save(response("resp_1"));
            store.save(response("resp_2"));
            store.save(response("resp_3")); // the queue holds 2: this one is dropped
            assertThat(store.dropped()).isEqualTo(1);
            assertThat(await(store.find("resp_3"))).isPresent();
            repo.gate.countDown();
        }
        // close flushed what was queued
        assertThat(repo.rows.keySet()).containsExactlyInAnyOrder("resp_0", "resp_1", "resp_2");
    }

    @Test
    void delete_removesFromCacheQueueAndDatabase() throws Exception {
        repo.gate = new CountDownLatch(1);
        try (CachedResponseStore store = new CachedResponseStore(repo, blocking, 100, 10, Duration.ofMillis(20))) {
            store.save(response("resp_a")); // held at the gate
            Thread.sleep(60);
            store.save(response("resp_b")); // still queued
            // taken off the queue at once; the database delete waits for the batch being written
            var deleted = store.delete("resp_b");
            repo.gate.countDown();
            assertThat(await(deleted)).isTrue();
            assertThat(await(store.find("resp_b"))).isEmpty();
            assertThat(Await.until(() -> repo.rows.containsKey("resp_a"), Duration.ofSeconds(5))).isTrue();
            assertThat(await(store.delete("resp_a"))).isTrue();
            assertThat(await(store.find("resp_a"))).isEmpty();
            assertThat(await(store.delete("resp_a"))).isFalse();
        }
        assertThat(repo.rows).isEmpty();
    }

    /** A delete right after a save, whatever the writer is doing then, leaves nothing behind to come back later. */
    @Test
    void deleteRightAfterSave_neverComesBack() throws Exception {
        try (CachedResponseStore store = new CachedResponseStore(repo, blocking, 1_000, 1_000, Duration.ofMillis(1))) {
            for (int i = 0; i < 300; i++) {
                String id = "resp_" + i;
                store.save(response(id));
                assertThat(await(store.delete(id))).isTrue();
            }
        } // close writes whatever is still queued
        assertThat(repo.rows).isEmpty();
    }
}
