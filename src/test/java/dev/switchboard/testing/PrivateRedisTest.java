package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PrivateRedisTest {

    @Test
    void stop_refusesConnections_restart_answersOnTheSamePort_empty() throws IOException {
        try (PrivateRedis redis = PrivateRedis.start()) {
            int port = redis.port();
            assertThat(port).isNotEqualTo(6379);
            assertThat(RespClient.command("127.0.0.1", port, 2_000, "SET", "k", "v")).isEqualTo("+OK");

            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> RespClient.command("127.0.0.1", port, 500, "PING")).isInstanceOf(IOException.class);

            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(RespClient.command("127.0.0.1", port, 2_000, "PING")).isEqualTo("+PONG");
            assertThat(RespClient.command("127.0.0.1", port, 2_000, "EXISTS", "k")).as("no persistence").isEqualTo(":0");
        }
    }
}
