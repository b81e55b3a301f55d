package dev.switchboard.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * Makes a server connection's close wait until what was written to it has been sent.
 *
 * <p>Netty's io_uring channel cancels the writes still in flight when it closes, and drops those
 * not yet flushed. Vert.x closes a connection the moment a response ends when it is shutting the
 * connection down (a drain): the last bytes of that response, written an instant before, were then
 * lost, and a stream that had delivered every event ended without its terminating chunk (curl: "transfer
 * closed with outstanding read data remaining"; Node's fetch: "other side closed"). On epoll
 * the same sequence is safe because a flush writes into the socket at once.
 *
 * <p>Sitting at the head of the pipeline, this handler turns a close into: flush everything
 * written so far, close when that write completes, or after {@link #LIMIT_MS} if the peer reads
 * nothing (a full socket buffer never drains; such a connection is closed as before).
 */
@ChannelHandler.Sharable
public final class FlushBeforeClose extends ChannelOutboundHandlerAdapter {

    static final long LIMIT_MS = 1_000;
    private static final FlushBeforeClose INSTANCE = new FlushBeforeClose();

    private FlushBeforeClose() {}

    /** For {@code HttpServer.connectionHandler}: installs the handler on the connection's channel. */
    public static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase c) c.channel().pipeline().addFirst(INSTANCE);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel ch = ctx.channel();
        if (!ch.isActive() || ch.unsafe().outboundBuffer() == null || ch.unsafe().outboundBuffer().totalPendingWriteBytes() == 0) {
            ctx.close(promise);
            return;
        }
        boolean[] closed = {false};
        Runnable closeOnce = () -> {
            if (closed[0]) return;
            closed[0] = true;
            ctx.close(promise);
        };
        var limit = ctx.executor().schedule(closeOnce, LIMIT_MS, TimeUnit.MILLISECONDS);
        // the promise of this empty write completes after every write before it
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            limit.cancel(false);
            closeOnce.run();
        });
    }
}
