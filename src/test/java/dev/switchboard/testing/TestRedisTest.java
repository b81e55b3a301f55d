package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class TestRedisTest {

    @Test
    void answersPing_andHandsOutDistinctNamespaces_eachDeletedOnItsOwn() throws IOException {
        TestRedis redis = TestRedis.get();
        assertThat(RespClient.command("127.0.0.1", redis.port(), 2_000, "PING")).isEqualTo("+PONG");
        String a = redis.freshNamespace();
        String b = redis.freshNamespace();
        assertThat(a).isNotEqualTo(b).matches("sbtest:[0-9a-f]{16}:");

        RespClient.command("127.0.0.1", redis.port(), 2_000, "SET", a + "x", "1");
        RespClient.command("127.0.0.1", redis.port(), 2_000, "SET", b + "y", "1");
        assertThat(redis.delete(a)).isEqualTo(1);

        assertThat(RespClient.command("127.0.0.1", redis.port(), 2_000, "EXISTS", a + "x")).isEqualTo(":0");
        assertThat(RespClient.command("127.0.0.1", redis.port(), 2_000, "EXISTS", b + "y")).as("another namespace is untouched").isEqualTo(":1");
        assertThat(redis.delete(b)).isEqualTo(1);
    }
}
