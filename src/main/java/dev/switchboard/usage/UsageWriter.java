package dev.switchboard.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.store.UsageRepository;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UsageSink} of a gateway: a bounded queue in front, one writer thread behind, the
 * store after it, and a spool file for when the store is away.
 *
 * <p><b>Taking records.</b> {@link #offer} is a non-blocking {@code queue.offer}: when the queue
 * holds {@code capacity} records (or the writer is closed) the record is dropped and counted
 * ({@link #dropped()}); the request it describes has already been answered and is never slowed.
 *
 * <p><b>Writing.</b> The writer comes to the queue, the queue never calls it: it takes what is
 * there (up to {@link #BATCH} records) and inserts it in one transaction, then rests for
 * {@code flushEvery} (at most {@link #MAX_REST_MS}) unless the batch was full. An offer therefore
 * never wakes a thread: at thousands of requests a second, a writer woken by every record cost a
 * fifth of the gateway's CPU in context switches and small commits. Inserts are idempotent: a
 * record's {@code id} is the table's key and a conflict is ignored.
 *
 * <p><b>Sharing the cores.</b> The writer is a platform thread of its own (a virtual thread would
 * pin its carrier through every native SQLite call anyway) and the store gives up the core between
 * the statements of a batch ({@link UsageRepository#insertAll}). Linux lets a running thread finish
 * its slice before a thread it woke on the same core runs, and does not always move that thread to
 * an idle one: a batch written in one stretch of several milliseconds held up the event loop, or
 * the peers it had just woken, for as long — measured at concurrency 1 on 2 cores, the gateway's
 * p99 went from about 4 ms to the low milliseconds when the batch yields between statements.
 *
 * <p><b>Outage.</b> A batch the store refuses is appended to the spool file (one JSON record per
 * line, append-only) and nothing is lost. While the spool holds records, new batches go behind
 * them, so nothing overtakes it; at most every {@code retryEvery} the writer replays the whole
 * file. Only when every line of it is stored is the file deleted. A replay cut halfway is replayed
 * again from the start: the lines already stored conflict on their id and are skipped, so each
 * record is stored exactly once. A spool left by a previous run is replayed the same way.
 *
 * <p><b>Close</b> stops taking records, writes (or spools) everything queued and ends the thread;
 * call it before the store closes.
 */
public final class UsageWriter implements UsageSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageWriter.class);
    static final int BATCH = 1000;
    /** The longest the writer rests between batches, whatever {@code flushEvery} says. */
    static final long MAX_REST_MS = 100;

    private final UsageRepository repository;
    private final Path spool;
    private final BlockingQueue<UsageRecord> queue;
    private final long restNanos;
    private final long retryNanos;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    /** Records promised ({@link #promise}) and not yet offered or abandoned. */
    private final AtomicInteger promised = new AtomicInteger();
    private final Thread writer;
    private volatile boolean closed;
    /** Whether the spool file may hold records; read and written by the writer thread only. */
    private boolean spoolPending;
    /** When the next replay may run (System.nanoTime); writer thread only. */
    private long replayAtNanos;

    /**
     * @param spool      the spool file (its directory must exist or be creatable)
     * @param capacity   how many records may wait for the writer
     * @param flushEvery the longest a record waits for its batch to fill
     * @param retryEvery how often a spooled backlog is tried against the store again
     */
    public UsageWriter(UsageRepository repository, Path spool, int capacity, Duration flushEvery, Duration retryEvery) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        if (flushEvery.isNegative() || flushEvery.isZero()) throw new IllegalArgumentException("flushEvery must be positive, was " + flushEvery);
        if (retryEvery.isNegative()) throw new IllegalArgumentException("retryEvery must not be negative, was " + retryEvery);
        this.repository = repository;
        this.spool = spool;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.restNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(flushEvery.toMillis(), MAX_REST_MS));
        this.retryNanos = retryEvery.toNanos();
        this.spoolPending = Files.exists(spool);
        this.writer = Thread.ofPlatform().name("switchboard-usage-writer").daemon().start(this::writeLoop);
    }

    @Override
    public void offer(UsageRecord record) {
        if (closed || !queue.offer(record)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("usage record dropped: {} request_id={} dropped_total={}", closed ? "the usage writer is closed" : "the usage queue is full",
                        record.requestId(), n);
            }
        }
    }

    @Override
    public Promise promise() {
        promised.incrementAndGet();
        return new Promise() {
            private final AtomicBoolean kept = new AtomicBoolean();

            @Override
            public void offer(UsageRecord record) {
                if (!kept.compareAndSet(false, true)) return;
                UsageWriter.this.offer(record);
                promised.decrementAndGet();
            }

            @Override
            public void abandon() {
                if (kept.compareAndSet(false, true)) promised.decrementAndGet();
            }
        };
    }

    /**
     * Waits, at most {@code limit}, until every promised record has been offered: call before the
     * threads that make them stop (a drain's streams ended at its last moment are still being
     * counted). True when none is left.
     */
    public boolean awaitPromised(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (promised.get() > 0 && System.nanoTime() - deadline < 0) LockSupport.parkNanos(5_000_000);
        return promised.get() <= 0;
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Records this writer has stored (spooled ones count when their replay succeeds). */
    public long stored() {
        return stored.get();
    }

    /** Records waiting in the queue now. */
    public int queued() {
        return queue.size();
    }

    /** Stops taking records, then writes (or spools) what is queued and ends the writer. */
    @Override
    public void close() {
        closed = true;
        // wakes a resting writer; no interrupt, which would cut a JDBC socket mid-write
        LockSupport.unpark(writer);
        try {
            writer.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        List<UsageRecord> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                queue.drainTo(batch, BATCH);
                if (batch.isEmpty()) {
                    if (spoolPending && System.nanoTime() - replayAtNanos >= 0) replay();
                    LockSupport.parkNanos(restNanos);
                    continue;
                }
                boolean full = batch.size() == BATCH;
                write(batch);
                batch.clear();
                if (!full) LockSupport.parkNanos(restNanos); // a full batch means a backlog: take the next at once
            } catch (RuntimeException e) {
                LOG.error("usage writer: unexpected failure, {} records dropped", batch.size(), e);
                dropped.addAndGet(batch.size());
                batch.clear();
            }
        }
        queue.drainTo(batch);
        for (int i = 0; i < batch.size(); i += BATCH) write(batch.subList(i, Math.min(batch.size(), i + BATCH)));
    }

    /** Stores the batch, behind any spooled backlog; spools it when the store refuses. */
    private void write(List<UsageRecord> batch) {
        if (batch.isEmpty()) return;
        if (spoolPending && (System.nanoTime() - replayAtNanos < 0 || !replay())) {
            append(batch);
            return;
        }
        try {
            repository.insertAll(batch);
            stored.addAndGet(batch.size());
        } catch (RuntimeException e) {
            LOG.warn("usage records spooled: the store refused a batch of {} ({}); they are replayed when it answers",
                    batch.size(), e.getMessage());
            append(batch);
            replayAtNanos = System.nanoTime() + retryNanos;
        }
    }

    /** Stores every spooled record; true when the spool is empty afterwards. */
    private boolean replay() {
        List<UsageRecord> records = new ArrayList<>();
        try {
            if (!Files.exists(spool)) {
                spoolPending = false;
                return true;
            }
            for (String line : Files.readAllLines(spool, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    records.add(Json.MAPPER.readValue(line, UsageRecord.class));
                } catch (JsonProcessingException e) {
                    dropped.incrementAndGet(); // a line cut by a crash mid-append: nothing to recover
                    LOG.warn("usage spool: an unreadable line skipped ({})", e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            LOG.error("usage spool {} cannot be read: {}", spool, e.getMessage());
            replayAtNanos = System.nanoTime() + retryNanos;
            return false;
        }
        try {
            for (int i = 0; i < records.size(); i += BATCH) repository.insertAll(records.subList(i, Math.min(records.size(), i + BATCH)));
        } catch (RuntimeException e) {
            LOG.debug("usage spool: the store still refuses ({})", e.getMessage());
            replayAtNanos = System.nanoTime() + retryNanos;
            return false;
        }
        try {
            Files.deleteIfExists(spool);
        } catch (IOException e) {
            // replaying it again stores nothing twice (ids conflict); try again later
            LOG.warn("usage spool {} replayed but not deleted: {}", spool, e.getMessage());
            replayAtNanos = System.nanoTime() + retryNanos;
            return false;
        }
        stored.addAndGet(records.size());
        spoolPending = false;
        LOG.info("usage spool replayed: {} records stored", records.size());
        return true;
    }

    private void append(List<UsageRecord> batch) {
        StringBuilder lines = new StringBuilder(batch.size() * 400);
        for (UsageRecord r : batch) {
            try {
                lines.append(Json.MAPPER.writeValueAsString(r)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            Path dir = spool.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            Files.writeString(spool, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            spoolPending = true;
        } catch (IOException e) {
            long n = dropped.addAndGet(batch.size());
            LOG.error("usage records lost: neither the store nor the spool file {} took {} of them ({}) dropped_total={}",
                    spool, batch.size(), e.getMessage(), n);
        }
    }
}
