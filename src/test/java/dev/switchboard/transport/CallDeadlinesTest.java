package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Timeouts;
import dev.switchboard.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CallDeadlinesTest {

    static Vertx vertx;
    static Context context;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Runs on the context's event loop and returns what it built. */
    static <T> T onLoop(java.util.function.Supplier<T> s) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        context.runOnContext(v -> f.complete(s.get()));
        return f.get(5, TimeUnit.SECONDS);
    }

    static CallDeadlines stream(long idleMs, AtomicReference<String> expired) throws Exception {
        return onLoop(() -> {
            CallDeadlines d = new CallDeadlines(vertx, new Timeouts(1000L, 60_000L, idleMs, 60_000L), true);
            d.onExpire(expired::set);
            return d;
        });
    }

    @Test
    void firstToken_expiresWhenNoEventArrives() throws Exception {
        AtomicReference<String> expired = new AtomicReference<>();
        onLoop(() -> {
            CallDeadlines d = new CallDeadlines(vertx, new Timeouts(1000L, 50L, 60_000L, 60_000L), true);
            d.onExpire(expired::set);
            return d;
        });
        assertThat(Await.until(() -> expired.get() != null, Duration.ofSeconds(5))).isTrue();
        assertThat(expired.get()).isEqualTo("first-token");
    }

    @Test
    void idle_doesNotRunWhilePaused_andRestartsOnResume() throws Exception {
        AtomicReference<String> expired = new AtomicReference<>();
        CallDeadlines d = stream(60, expired);
        onLoop(() -> {
            d.event();
            d.paused();
            return null;
        });
        assertThat(Await.until(() -> expired.get() != null, Duration.ofMillis(400))).as("no idle expiry while paused").isFalse();
        onLoop(() -> {
            d.resumed();
            return null;
        });
        assertThat(Await.until(() -> expired.get() != null, Duration.ofSeconds(5))).isTrue();
        assertThat(expired.get()).isEqualTo("idle");
    }

    @Test
    void settled_neverExpires() throws Exception {
        AtomicReference<String> expired = new AtomicReference<>();
        CallDeadlines d = stream(40, expired);
        onLoop(() -> {
            d.event();
            d.settle();
            return null;
        });
        assertThat(Await.until(() -> expired.get() != null, Duration.ofMillis(300))).isFalse();
        assertThat(d.settled()).isTrue();
        assertThat(d.expired()).isNull();
    }
}
