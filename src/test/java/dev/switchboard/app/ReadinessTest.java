package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void draining_readinessIs503WithRetryAfter_livenessStays200() {
        try (GatewayFixture gw = GatewayFixture.builder().start()) {
            assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);
            assertThat(gw.gateway().beginDrain()).isTrue();
            HttpResponse<String> ready = gw.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.headers().firstValue("retry-after")).hasValue("5");
            assertThat(ready.headers().firstValue("retry-after-ms")).as("as every 503 has it").hasValue("5000");
            assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
        }
    }
}
