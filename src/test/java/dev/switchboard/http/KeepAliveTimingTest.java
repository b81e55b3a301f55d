package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The keep-alive comes one ping interval after the last frame, not on a fixed beat: with the
 * last event just after a beat, a fixed-rate timer let almost two intervals of silence pass
 * (seen: 30 s of silence on Anthropic streams with the default 15 s), long enough for a proxy's
 * idle timeout to cut the stream.
 */
class KeepAliveTimingTest {

    static final long PING_MS = 300;

    @Test
    void firstPing_comesOneIntervalAfterTheLastEvent() throws Exception {
        try (GatewayFixture gw = GatewayFixture.builder().pingMs(PING_MS).config("""
                models:
                  sim:
                    - { provider: simulator, upstreamModel: echo }
                """).start()) {
            // three events: two at the commit, one 330 ms later (just after a fixed-rate timer's beat
            // at 300 ms, when a ping went out), then silence
            String body = "{\"model\":\"sim\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"[sim token_ms=330 stall_after=3] a b c\"}]}";
            var r = gw.openStream("/v1/chat/completions", body);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                int events = 0;
                long lastEvent = 0;
                long ping = 0;
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    if (l.startsWith("data: ")) {
                        events++;
                        lastEvent = System.nanoTime();
                    } else if (l.equals(": ping") && events == 3) {
                        ping = System.nanoTime();
                        break;
                    }
                }
                assertThat(ping).as("a ping after the third event").isPositive();
                long gapMs = TimeUnit.NANOSECONDS.toMillis(ping - lastEvent);
                // on the old fixed beat: ~570 ms (no ping at the beat of 600 ms, 270 ms after the event; one at 900); now ~300 ms
                assertThat(gapMs).isBetween(PING_MS - 50, PING_MS + 150);
            }
        }
    }
}
