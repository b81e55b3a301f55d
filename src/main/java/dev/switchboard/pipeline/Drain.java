package dev.switchboard.pipeline;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.transport.FlushBeforeClose;
import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side of a drain (SIGTERM), in the order CONTRACT.md gives it: readiness answers 503 at
 * once, new connections are refused, the requests in progress finish.
 *
 * <p>Vert.x's own shutdown closes every idle keep-alive connection the moment it begins, so a
 * client holding one — a load balancer's probe, an SDK's pool — would never see the 503 and the
 * contract's draining answer. So the drain begins here instead: the listening sockets are closed
 * (found as the parent of any connection they accepted), which refuses new connections and leaves
 * the open ones alone; on those, readiness answers 503 and every other new request 503
 * {@code service_unavailable} with {@code connection: close}; the server's own shutdown follows
 * once the requests in progress have ended.
 */
public final class Drain {

    private final Set<Channel> listeners = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inProgress = new AtomicInteger();
    /** Requests (committed streams) with what ends each one when the grace is over. */
    private final Map<Object, Runnable> atGraceOver = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /** For {@code HttpServer.connectionHandler}: notes the listening socket and makes closes wait for writes. */
    public void connected(HttpConnection connection) {
        if (connection instanceof ConnectionBase c && c.channel().parent() != null) listeners.add(c.channel().parent());
        FlushBeforeClose.install(connection);
    }

    public boolean draining() {
        return draining;
    }

    /** Readiness turns 503 and new requests are refused; true the first time. */
    public synchronized boolean begin() {
        if (draining) return false;
        draining = true;
        return true;
    }

    /**
     * Counts the request in ({@link #ended} counts it out); while draining, answers it 503 instead,
     * unless it is an operations path (health, metrics), and returns false.
     */
    public boolean admit(RoutingContext ctx) {
        countIn();
        if (!draining) return true;
        String path = ctx.request().path();
        if (path.startsWith("/health/") || path.equals("/metrics")) return true;
        if (ctx.request().version() != HttpVersion.HTTP_2) ctx.response().putHeader("connection", "close"); // not an HTTP/2 header
        ctx.fail(GatewayError.of(ErrorKind.SERVICE_UNAVAILABLE, "This instance is shutting down; send the request again.")
                .withRetryAfter(1000, false));
        return false;
    }

    /** A request has begun; {@link #ended} counts it out. */
    void countIn() {
        inProgress.incrementAndGet();
    }

    /** A request {@link #admit} counted in has ended (answered, or its connection gone). */
    public void ended() {
        inProgress.decrementAndGet();
    }

    /** Stops accepting connections; those open stay, for their requests and the readiness answer. */
    public void stopAccepting() {
        for (Channel listener : listeners) listener.close();
    }

    /** {@code end} runs if {@code owner} is still going when the grace is over ({@link #endOpenStreams}). */
    void atGraceOver(Object owner, Runnable end) {
        atGraceOver.put(owner, end);
    }

    /** {@code owner} has ended: nothing to end for it any more. */
    void forget(Object owner) {
        atGraceOver.remove(owner);
    }

    /**
     * The grace is over: every request that registered an ending (a committed stream) is ended
     * by it — the stream's error event in its client's format, its usage settled — rather than cut
     * when the connections close. Returns how many there were.
     */
    public int endOpenStreams() {
        int n = 0;
        for (Runnable end : atGraceOver.values()) {
            end.run();
            n++;
        }
        return n;
    }

    /**
     * Returns true when no request is in progress, or false after {@code grace}, checking every 20 ms. Blocks:
     * for the thread that drains (the SIGTERM hook), never an event loop. A Vert.x periodic timer
     * did this before, and cancelling it from its own first run, before {@code setPeriodic} had
     * returned on the draining thread, threw inside Vert.x now and then: the drain then waited out
     * the whole grace with nothing in flight.
     */
    public boolean awaitIdle(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (inProgress.get() > 0 && System.nanoTime() - deadline < 0) Thread.sleep(20);
        return inProgress.get() <= 0;
    }
}
