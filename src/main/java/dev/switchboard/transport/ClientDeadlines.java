package dev.switchboard.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long a client connection may hold the gateway without asking it anything: the guard against
 * idle and slowly-sent connections (slowloris), which would otherwise stay open until the file
 * descriptors run out.
 *
 * <p>{@link #serverOptions} sets Vert.x's idle timeout: a connection on which nothing is read or
 * written for the deadline is closed. It covers a connection from its first moment, before its
 * protocol is known (a socket that never sends a byte, or stops inside the HTTP/2 preface). On
 * HTTP/1.x Vert.x puts that timer after the HTTP decoder, so it sees whole messages, not bytes: a
 * request head trickled a byte at a time is no activity, and the head must arrive whole within the
 * deadline of the last answer (or of the connection opening). A body counts each chunk that
 * arrives, so it is closed when it stops, not when it is slow.
 *
 * <p>{@link #install}, from the server's connection handler, keeps the timeout off a connection
 * while the gateway owes it an answer: a long non-streaming call sends nothing for minutes, and the
 * upstream deadlines govern it, not the client's silence.
 */
public final class ClientDeadlines {

    /** nginx's keep-alive default; longer than the idle expiry of the SDKs' connection pools (5–30 s), so they close first. */
    public static final Duration DEFAULT = Duration.ofSeconds(75);

    private ClientDeadlines() {}

    public static HttpServerOptions serverOptions(HttpServerOptions options, Duration deadline) {
        return options.setIdleTimeout((int) deadline.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /** For {@code HttpServer.connectionHandler}, once the connection's protocol is known. */
    public static void install(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase c)) return;
        ChannelPipeline pipeline = c.channel().pipeline();
        if (connection.protocolVersion() == HttpVersion.HTTP_2) {
            // by prior knowledge, ALPN, or an upgrade from HTTP/1.1 (whose codec is still being taken out)
            Http2ConnectionHandler h2 = pipeline.get(Http2ConnectionHandler.class);
            if (h2 != null) pipeline.addBefore(pipeline.context(h2).name(), "clientDeadlines", new Http2(h2));
        } else if (pipeline.get("handler") != null) {
            pipeline.addBefore("handler", "clientDeadlines", new Http1());
        }
    }

    /** HTTP/1.x: requests are read and answered in order on the connection. */
    static final class Http1 extends ChannelDuplexHandler {
        /** Requests whose head has been read and whose response has not ended (more than one when pipelined). */
        private int owed;
        /** A request's head has been read and its body has not. */
        private boolean readingBody;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                owed++;
                readingBody = true;
            }
            if (msg instanceof LastHttpContent) readingBody = false;
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL; // 100 Continue
            if (msg instanceof LastHttpContent && !interim && owed > 0) owed--;
            ctx.write(msg, promise);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // an answer is owed and the request is read: the gateway's own deadlines govern, not the client's silence
            if (evt instanceof IdleStateEvent && owed > 0 && !readingBody) return;
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** HTTP/2: the idle timeout applies only while no stream is open. */
    static final class Http2 extends ChannelDuplexHandler {
        private final Http2ConnectionHandler h2;

        Http2(Http2ConnectionHandler h2) {
            this.h2 = h2;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && h2.connection().numActiveStreams() > 0) return;
            ctx.fireUserEventTriggered(evt);
        }
    }
}
