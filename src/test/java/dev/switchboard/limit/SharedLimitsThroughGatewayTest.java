package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.Admin;
import dev.switchboard.testing.Burst;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.PrivateRedis;
import dev.switchboard.testing.TestRedis;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gateways sharing one Redis share their keys' limits; without Redis, {@code redisFailure} decides. */
class SharedLimitsThroughGatewayTest {

    private static SimulatorServer sim;

    @BeforeAll
    static void startSimulator() {
        sim = SimulatorServer.start("127.0.0.1", 0, null);
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void clearSimulator() {
        sim.clear();
    }

    /**
     * A config-file key (the same id and hash on every instance loading the file), unique to this
     * run: its name too, which its id (and so its counts in the shared Redis) is made from.
     */
    private static String config(String key, String limits, String router) {
        return """
                models:
                  plain:
                    - { provider: openai, upstreamModel: sim-plain, baseUrl: "%s", credentials: { apiKey: sk-plain } }
                keys:
                  - { name: "%s", key: "%s", limits: %s }
                %s""".formatted(sim.baseUrl(), key.substring(key.length() - 12), key, limits, router);
    }

    private static String freshKey() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return "sk-sb-shared-" + HexFormat.of().formatHex(b);
    }

    @Test
    void twoGateways_rpm50_of200ParallelRequestsSplitBetweenThem_exactly50Succeed() throws Exception {
        String key = freshKey();
        String config = config(key, "{ rpm: 50 }", "");
        String redis = TestRedis.get().url();
        try (GatewayFixture a = GatewayFixture.builder().config(config).env("REDIS_URL", redis).start();
             GatewayFixture b = GatewayFixture.builder().config(config).env("REDIS_URL", redis).start()) {
            HttpRequest toA = Burst.chat(a, key, "plain");
            HttpRequest toB = Burst.chat(b, key, "plain");
            Burst.assertAdmittedExactly(Burst.send(200, i -> i % 2 == 0 ? toA : toB), 50, 50);
            assertThat(sim.received()).hasSize(50);
            assertThat(a.get("/metrics").body()).contains("switchboard_limiter_fallback_total 0\n");
        }
    }

    @Test
    void redisDown_withRedisFailureOpen_theInstancesOwnLimitsApply() {
        String key = freshKey();
        try (PrivateRedis redis = PrivateRedis.start()) {
            redis.stop();
            try (GatewayFixture gw = GatewayFixture.builder().config(config(key, "{ rpm: 2 }", "")).env("REDIS_URL", redis.url()).start()) {
                Admin.assertChatOk(gw.chat(key, "plain"));
                Admin.assertChatOk(gw.chat(key, "plain"));
                Admin.assertError(gw.chat(key, "plain"), 429, "rate_limit_error", "rate_limit_exceeded");
                assertThat(gw.get("/metrics").body()).contains("switchboard_limiter_fallback_total 1\n");
                assertThat(Admin.json(gw.get("/health/ready")).path("limiter").asText()).isEqualTo("local-fallback");
            }
        }
    }

    @Test
    void redisDown_withRedisFailureClosed_aLimitedKeyIs503_anUnlimitedOneIsServed() {
        String key = freshKey();
        try (PrivateRedis redis = PrivateRedis.start()) {
            redis.stop();
            String config = config(key, "{ rpm: 100 }", "router: { redisFailure: closed }\n");
            try (GatewayFixture gw = GatewayFixture.builder().config(config).env("REDIS_URL", redis.url()).start()) {
                Admin.assertError(gw.chat(key, "plain"), 503, "server_error", "service_unavailable");
                assertThat(sim.received()).isEmpty();
                Admin.assertChatOk(gw.chat(GatewayFixture.MASTER_KEY, "plain"));
            }
        }
    }
}
