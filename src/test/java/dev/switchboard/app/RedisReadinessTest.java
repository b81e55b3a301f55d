package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.routing.LocalCircuitStore;
import dev.switchboard.routing.RedisCircuitStore;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.PrivateRedis;
import dev.switchboard.testing.TestRedis;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What /health/ready and /metrics say about Redis, with it configured, down, back, and absent. */
class RedisReadinessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    @Test
    void redisDown_withRedisFailureOpen_readinessStays200_sayingDegraded_andMetricsCountTheFallback() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            redis.stop();
            try (GatewayFixture gw = GatewayFixture.builder().env("REDIS_URL", redis.url()).start()) {
                assertThat(gw.gateway().circuits()).isInstanceOf(RedisCircuitStore.class);
                assertThat(gw.gateway().circuits().mode()).isEqualTo("local-fallback");

                HttpResponse<String> ready = gw.get("/health/ready");
                assertThat(ready.statusCode()).isEqualTo(200);
                JsonNode body = json(ready);
                assertThat(body.path("status").asText()).isEqualTo("ok");
                assertThat(body.path("redis").asText()).isEqualTo("degraded");
                assertThat(body.path("circuitStore").asText()).isEqualTo("local-fallback");

                HttpResponse<String> metrics = gw.get("/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
                assertThat(metrics.body()).contains("# TYPE switchboard_redis_up gauge\nswitchboard_redis_up 0\n")
                        .contains("# TYPE switchboard_circuit_store_fallback_total counter\nswitchboard_circuit_store_fallback_total 1\n")
                        .as("the limiter counts the outage a start without Redis begins in, before any request meets it")
                        .contains("switchboard_limiter_fallback_total 1\n");

                redis.restart();
                assertThat(Await.until(() -> json(gw.get("/health/ready")).path("circuitStore").asText().equals("redis"), Duration.ofSeconds(15)))
                        .isTrue();
                JsonNode back = json(gw.get("/health/ready"));
                assertThat(back.path("redis").asText()).isEqualTo("up");
                assertThat(gw.get("/metrics").body()).contains("switchboard_redis_up 1\n").contains("switchboard_circuit_store_fallback_total 1\n");
            }
        }
    }

    @Test
    void redisDown_withRedisFailureClosed_readinessIs503() {
        try (PrivateRedis redis = PrivateRedis.start()) {
            redis.stop();
            try (GatewayFixture gw = GatewayFixture.builder().env("REDIS_URL", redis.url())
                    .config("router: { redisFailure: closed }\n").start()) {
                HttpResponse<String> ready = gw.get("/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.headers().firstValue("retry-after")).hasValue("5");
                assertThat(json(ready).path("status").asText()).isEqualTo("redis_unavailable");
                assertThat(json(ready).path("redis").asText()).isEqualTo("degraded");
                assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void redisUp_readinessSaysSo_andTheGatewaysStoreIsShared() {
        try (GatewayFixture gw = GatewayFixture.builder().env("REDIS_URL", TestRedis.get().url()).start()) {
            JsonNode body = json(gw.get("/health/ready"));
            assertThat(body.path("status").asText()).isEqualTo("ok");
            assertThat(body.path("redis").asText()).isEqualTo("up");
            assertThat(body.path("circuitStore").asText()).isEqualTo("redis");
            assertThat(gw.get("/metrics").body()).contains("switchboard_redis_up 1\n").contains("switchboard_circuit_store_fallback_total 0\n");
        }
    }

    @Test
    void withoutRedisUrl_theStoreIsLocal_readinessSaysNothingOfRedis_andMetricsHaveNoRedisGauge() {
        try (GatewayFixture gw = GatewayFixture.builder().start()) {
            assertThat(gw.gateway().circuits()).isInstanceOf(LocalCircuitStore.class);
            JsonNode body = json(gw.get("/health/ready"));
            assertThat(body.path("status").asText()).isEqualTo("ok");
            assertThat(body.has("redis")).isFalse();
            String metrics = gw.get("/metrics").body();
            assertThat(metrics).doesNotContain("switchboard_redis_up").contains("switchboard_circuit_store_fallback_total 0\n");
        }
    }

    @Test
    void metricsToken_guardsTheMetrics() {
        String token = "metrics-token-0123456789";
        try (GatewayFixture gw = GatewayFixture.builder().env("METRICS_TOKEN", token).start()) {
            assertThat(gw.get("/metrics", "authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(gw.get("/metrics", "authorization", "Bearer " + GatewayFixture.MASTER_KEY).statusCode()).isEqualTo(401);
            HttpResponse<String> ok = gw.get("/metrics", "authorization", "Bearer " + token);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(gw.get("/metrics", "authorization", "bearer " + token).statusCode()).as("the scheme in any case").isEqualTo(200);
            assertThat(gw.get("/metrics", "authorization", token).statusCode()).as("no scheme").isEqualTo(401);
            assertThat(ok.body()).contains("switchboard_circuit_store_fallback_total");
        }
    }
}
