package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PrivateRedis;
import dev.switchboard.testing.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/** The {@link LimiterContract} on Redis 6.2 (the embedded {@link PrivateRedis}): the scripts use nothing newer. */
class RedisLimiterOn62Test extends LimiterContract {

    private static PrivateRedis redis;
    private final List<SharedLimiterInstance> instances = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = PrivateRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected Limiter newLimiter(TestClock clock) {
        SharedLimiterInstance i = SharedLimiterInstance.start(redis.url(), UUID.randomUUID() + ":", clock);
        instances.add(i);
        return i.limiter();
    }

    @Test
    void theEmbeddedServer_isRedis62() {
        SharedLimiterInstance i = SharedLimiterInstance.start(redis.url(), "version:", clock);
        instances.add(i);
        String info = await(i.link().send(Request.cmd(Command.INFO).arg("server"))).toString();
        assertThat(info).contains("redis_version:6.2.");
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(SharedLimiterInstance::close);
    }
}
