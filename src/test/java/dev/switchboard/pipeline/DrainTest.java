package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DrainTest {

    @Test
    void awaitIdle_returnsAtOnceWhenNothingIsInFlight_manyTimesOver() throws Exception {
        // the periodic timer it replaces threw now and then on its first run, and the drain then waited out its grace
        for (int i = 0; i < 200; i++) {
            long start = System.nanoTime();
            new Drain().awaitIdle(Duration.ofSeconds(30));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        }
    }

    @Test
    void awaitIdle_waitsForTheRequestInFlight_andNoLongerThanTheGrace() throws Exception {
        Drain drain = new Drain();
        drain.begin();
        drain.countIn();
        CompletableFuture<Void> idle = CompletableFuture.runAsync(() -> {
            try {
                drain.awaitIdle(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(idle).isNotDone();
        drain.ended();
        idle.get(5, TimeUnit.SECONDS);

        drain.countIn(); // one that never ends: the grace bounds the wait
        long start = System.nanoTime();
        drain.awaitIdle(Duration.ofMillis(300));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 5_000L);
    }
}
