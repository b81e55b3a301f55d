package dev.switchboard.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded, loopback-only chat load: {@code threads} clients, each sending one chat request at a
 * time with one key and model, until {@link #close()} or {@code limit}, whichever comes first.
 * Every answer that is not a 200 with a completion, and every transport error, counts as a
 * failure and the first few are kept for the assertion message.
 */
public final class ChatLoad implements AutoCloseable {

    private static final int KEEP_FAILURES = 10;
    /** A short pause between one client's requests, so the load does not starve the 2-core machine's other threads. */
    private static final long PACE_NANOS = 2_000_000;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<String> failureDetails = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ChatLoad() {}

    public static ChatLoad start(GatewayFixture gw, String key, String model, int threads, Duration limit) {
        ChatLoad load = new ChatLoad();
        long deadline = System.nanoTime() + limit.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions")))
                .header("authorization", "Bearer " + key)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"keep going\"}]}"))
                .build();
        for (int i = 0; i < threads; i++) {
            Thread t = Thread.ofPlatform().name("chat-load-" + i).daemon().start(() -> load.run(request, deadline));
            load.threads.add(t);
        }
        return load;
    }

    private void run(HttpRequest request, long deadline) {
        while (!stop.get() && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"choices\"")) successes.incrementAndGet();
                else fail("status " + r.statusCode() + ": " + r.body());
            } catch (IOException e) {
                fail(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            LockSupport.parkNanos(PACE_NANOS);
        }
    }

    private void fail(String detail) {
        failures.incrementAndGet();
        if (failureDetails.size() < KEEP_FAILURES) failureDetails.add(detail);
    }

    public long successes() {
        return successes.get();
    }

    public long failures() {
        return failures.get();
    }

    public List<String> failureDetails() {
        return List.copyOf(failureDetails);
    }

    /** Whether every client is still sending (none has reached the time limit). */
    public boolean running() {
        return threads.stream().allMatch(Thread::isAlive);
    }

    /** Stops the clients and waits (bounded) for their last requests. */
    @Override
    public void close() {
        stop.set(true);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        http.close();
    }
}
