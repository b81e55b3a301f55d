package dev.switchboard.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.pipeline.ResponseStore;
import dev.switchboard.pipeline.StoredResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ResponseStore} over a {@link ResponseRepository}: a Caffeine cache in front, a
 * bounded queue and one batch writer behind.
 *
 * <p><b>Reads.</b> {@link #find} answers from the cache when it can (a continuation right after
 * a response, on the instance that served it, never touches the database); a miss runs the JDBC
 * read on the virtual-thread executor and completes on the caller's Vert.x context, so the event
 * loop never blocks. A found row is cached; an absent one is not (another instance may write it
 * a moment later).
 *
 * <p><b>Writes.</b> {@link #save} puts the response in the cache synchronously (so it is readable
 * here before the client even has the answer) and offers it to a queue of {@code capacity}; the
 * writer thread drains up to {@link #BATCH} rows at a time every {@code flushEvery} (at once while
 * batches come out full). A full queue drops the write and counts it ({@link #dropped()}): the
 * answer still stands and this instance still serves it from memory while it stays cached. A batch
 * the database refuses is logged and counted the same way. {@link #close} flushes what is queued.
 *
 * <p><b>Deletes</b> invalidate the cache, then, under {@code writeLock}, take the row out of the
 * queue if it is still there and delete it in the database. The writer holds the same lock from
 * taking a batch off the queue until it is written, so a row is always either still queued or
 * already stored when a delete looks: a deleted response never comes back.
 */
public final class CachedResponseStore implements ResponseStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CachedResponseStore.class);
    static final int BATCH = 100;

    private final ResponseRepository repository;
    private final ExecutorService blocking;
    private final Cache<String, StoredResponse> cache;
    private final BlockingQueue<StoredResponse> queue;
    /** How long the writer rests between batches that were not full. */
    private final long restNanos;
    /** Held by the writer while a taken batch is written, and by deletes in the database. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param cacheSize  how many responses stay in memory (most recently used win)
     * @param capacity   how many writes may wait for the database
     * @param flushEvery the longest a write waits for a batch to fill
     */
    public CachedResponseStore(ResponseRepository repository, ExecutorService blocking, long cacheSize, int capacity,
                               Duration flushEvery) {
        if (cacheSize < 1) throw new IllegalArgumentException("cacheSize must be at least 1, was " + cacheSize);
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        if (flushEvery.isNegative() || flushEvery.isZero()) throw new IllegalArgumentException("flushEvery must be positive, was " + flushEvery);
        this.repository = repository;
        this.blocking = blocking;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterAccess(Duration.ofHours(1)).build();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.restNanos = flushEvery.toNanos();
        this.writer = Thread.ofVirtual().name("switchboard-response-writer").start(this::writeLoop);
    }

    @Override
    public Future<Optional<StoredResponse>> find(String id) {
        StoredResponse cached = cache.getIfPresent(id);
        if (cached != null) return Future.succeededFuture(Optional.of(cached));
        return offLoop(() -> {
            Optional<StoredResponse> found = repository.find(id);
            found.ifPresent(r -> cache.put(r.id(), r));
            return found;
        });
    }

    @Override
    public void save(StoredResponse response) {
        cache.put(response.id(), response);
        if (closed || !queue.offer(response)) {
            long n = dropped.incrementAndGet();
            LOG.warn("stored response not persisted: the write queue is full id={} dropped_total={}", response.id(), n);
        }
    }

    @Override
    public Future<Boolean> delete(String id) {
        boolean wasCached = cache.asMap().remove(id) != null;
        return offLoop(() -> {
            writeLock.lock();
            try {
                boolean wasQueued = queue.removeIf(r -> r.id().equals(id));
                return repository.delete(id) || wasCached || wasQueued;
            } finally {
                writeLock.unlock();
            }
        });
    }

    /** Writes dropped because the queue was full or the database refused them. */
    public long dropped() {
        return dropped.get();
    }

    /** Stops the writer after writing what is queued. */
    @Override
    public void close() {
        closed = true; // the writer sees it within one flush period; no interrupt, which would cut a JDBC socket mid-write
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<StoredResponse> batch = new ArrayList<>(BATCH);
        while (!closed) {
            if (!writeBatch(batch)) LockSupport.parkNanos(restNanos);
        }
        while (writeBatch(batch)) {
            // what close left queued
        }
    }

    /** Takes up to {@link #BATCH} queued rows and writes them, both under the lock; true when the batch was full. */
    private boolean writeBatch(List<StoredResponse> batch) {
        writeLock.lock();
        try {
            queue.drainTo(batch, BATCH);
            if (batch.isEmpty()) return false;
            repository.insertAll(batch);
        } catch (RuntimeException e) {
            long n = dropped.addAndGet(batch.size());
            LOG.warn("stored responses not persisted: {} rows dropped_total={} detail={}", batch.size(), n, e.getMessage());
        } finally {
            writeLock.unlock();
        }
        boolean full = batch.size() == BATCH;
        batch.clear();
        return full;
    }

    private <T> Future<T> offLoop(Supplier<T> work) {
        Context context = Vertx.currentContext();
        CompletableFuture<T> cf = CompletableFuture.supplyAsync(work, blocking);
        return context == null ? Future.fromCompletionStage(cf) : Future.fromCompletionStage(cf, context);
    }
}
