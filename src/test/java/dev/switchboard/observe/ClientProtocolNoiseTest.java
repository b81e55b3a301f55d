package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import org.junit.jupiter.api.Test;

class ClientProtocolNoiseTest {

    private final LoggerContext ctx = new LoggerContext();
    private final ClientProtocolNoise filter = new ClientProtocolNoise();

    private LoggingEvent event(String logger, String message, Throwable t) {
        return new LoggingEvent("x", ctx.getLogger(logger), Level.ERROR, message, t, null);
    }

    @Test
    void dropsWhatABrokenClientMakesVertxLog_andNothingElse() {
        assertThat(filter.decide(event(ClientProtocolNoise.CONNECTION_LOGGER, "Unexpected HTTP/1.x request: GET /v1beta/models?key=sk-sb-x", null)))
                .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(ClientProtocolNoise.CONNECTION_LOGGER, "Unhandled exception",
                Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "HTTP/2 client preface string missing or corrupt"))))
                .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(ClientProtocolNoise.CONNECTION_LOGGER, "Unhandled exception", new IllegalStateException("a bug"))))
                .as("a real failure still shows").isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("dev.switchboard.http.Routes", "Unexpected HTTP/1.x request: x", null))).isEqualTo(FilterReply.NEUTRAL);
    }
}
