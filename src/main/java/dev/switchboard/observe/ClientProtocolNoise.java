package dev.switchboard.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the ERROR lines Vert.x writes about a client that speaks broken HTTP on a connection:
 * HTTP/1.x bytes after ALPN agreed on HTTP/2 ("Unexpected HTTP/1.x request: GET /v1beta/models?key=…",
 * which quotes the request line, a key in its query included) and HTTP/2 protocol errors (a
 * corrupt preface, a first frame that is not SETTINGS, with a hex dump of what came). Any client
 * can produce them at will; the connection is closed either way and nothing is for an operator
 * to do. Everything else from Vert.x passes.
 */
public final class ClientProtocolNoise extends Filter<ILoggingEvent> {

    static final String CONNECTION_LOGGER = "io.vertx.core.net.impl.ConnectionBase";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (!CONNECTION_LOGGER.equals(event.getLoggerName())) return FilterReply.NEUTRAL;
        String message = event.getFormattedMessage();
        if (message != null && message.startsWith("Unexpected HTTP/1.x request")) return FilterReply.DENY;
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            if (t.getClassName().startsWith("io.netty.handler.codec.http2.Http2Exception")) return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
