package dev.switchboard.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's line to Redis ({@code REDIS_URL}): a pool for commands and one connection held
 * open for pub/sub, which doubles as the health signal.
 *
 * <p><b>Up and down.</b> Redis counts as up from the moment the subscriber connection is open and
 * subscribed to every channel registered with {@link #subscribe}, until that connection ends or
 * fails, or a command fails and a PING on the pool fails too. While down, it reconnects with
 * exponential backoff ({@value #MIN_BACKOFF_MS} ms doubling to {@value #MAX_BACKOFF_MS} ms);
 * every transition is reported to the {@link Listener}s, on this link's own context.
 *
 * <p><b>Threads.</b> Connection management runs on one Vert.x context of its own, so the fields
 * it writes (marked below) need no lock; {@link #up()} is a volatile read any thread may make.
 * {@link #send} may be called from any thread; commands fail at once while Redis is down, so the
 * request path never waits on a connect timeout, and a command without an answer within
 * {@value #COMMAND_TIMEOUT_MS} ms fails (a Redis that hangs rather than closes is found this way).
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    static final long COMMAND_TIMEOUT_MS = 2_000;

    /** Told when Redis becomes reachable (after every (re)subscription) and when it is lost. */
    public interface Listener {
        void up();

        void down(Throwable cause);
    }

    private final Vertx vertx;
    private final Context context;
    private final String display;
    private final Redis commands;
    private final Redis subscriberClient;
    private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Promise<Boolean> firstAttempt = Promise.promise();

    private volatile boolean up;
    private volatile boolean closed;
    // confined to context
    private RedisConnection subscriber;
    private long backoffMs = MIN_BACKOFF_MS;
    private boolean started;
    private boolean connecting;

    public RedisLink(Vertx vertx, URI url) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.display = url.getHost() + ":" + (url.getPort() == -1 ? 6379 : url.getPort());
        RedisOptions options = new RedisOptions()
                .setConnectionString(url.toString())
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpNoDelay(true).setTcpKeepAlive(true)
                        .setSsl("rediss".equals(url.getScheme()))) // TLS for rediss://, trusting the JDK's roots
                .setMaxPoolSize(8)
                .setMaxPoolWaiting(1_024)
                .setMaxWaitingHandlers(4_096);
        this.commands = Redis.createClient(vertx, options);
        this.subscriberClient = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1));
    }

    /** The Vert.x this link runs on, for its users' timers. */
    public Vertx vertx() {
        return vertx;
    }

    /** host:port, never the password a URL may carry. */
    public String display() {
        return display;
    }

    /** Whether Redis answered last time this link looked. */
    public boolean up() {
        return up;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Registers a channel before {@link #start()}; its messages arrive on this link's context. */
    public void subscribe(String channel, Consumer<String> onMessage) {
        if (channels.putIfAbsent(channel, onMessage) != null) throw new IllegalStateException("channel " + channel + " is taken");
    }

    /** Starts connecting; completes with whether the first attempt reached Redis (it keeps trying either way). */
    public Future<Boolean> start() {
        context.runOnContext(v -> {
            if (started) return;
            started = true;
            connect();
        });
        return firstAttempt.future();
    }

    /** Sends one command on the pool; fails at once while Redis is down. */
    public Future<Response> send(Request request) {
        if (!up) return Future.failedFuture(new RedisUnavailableException("Redis at " + display + " is unreachable"));
        return commands.send(request).timeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * A command failed for a reason other than a Redis error reply: if a PING on the pool fails
     * too, the subscriber connection is closed, which marks Redis down and starts the reconnecting.
     */
    public void suspect(Throwable cause) {
        if (!up || closed) return;
        commands.send(Request.cmd(Command.PING)).timeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .onFailure(e -> context.runOnContext(v -> lost(cause)));
    }

    private void connect() {
        if (closed || connecting) return;
        connecting = true;
        subscriberClient.connect().compose(conn -> {
            conn.handler(this::message);
            conn.exceptionHandler(e -> context.runOnContext(v -> {
                if (conn == subscriber) lost(e);
            }));
            conn.endHandler(v -> context.runOnContext(w -> {
                if (conn == subscriber) lost(new RedisUnavailableException("connection to Redis at " + display + " closed"));
            }));
            Request subscribe = Request.cmd(Command.SUBSCRIBE);
            channels.keySet().forEach(subscribe::arg);
            Future<?> subscribed = channels.isEmpty() ? conn.send(Request.cmd(Command.PING)) : conn.send(subscribe);
            return subscribed.timeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .map(r -> conn)
                    .onFailure(e -> conn.close());
        }).onComplete(ar -> context.runOnContext(v -> {
            connecting = false;
            if (ar.succeeded() && !closed) {
                subscriber = ar.result();
                backoffMs = MIN_BACKOFF_MS;
                up = true;
                firstAttempt.tryComplete(true);
                LOG.debug("connected to Redis at {}", display);
                listeners.forEach(Listener::up);
            } else if (ar.succeeded()) {
                ar.result().close();
            } else {
                // a start without Redis is an outage from the first moment: told as one (logged and
                // counted by each listener), as readiness already shows it
                if (firstAttempt.tryComplete(false)) listeners.forEach(l -> l.down(ar.cause()));
                retryLater();
            }
        }));
    }

    /** On this link's context: the subscriber connection is gone or Redis stopped answering. */
    private void lost(Throwable cause) {
        RedisConnection old = subscriber;
        subscriber = null;
        if (old != null) old.close();
        if (up) {
            up = false;
            listeners.forEach(l -> l.down(cause));
        }
        retryLater();
    }

    private void retryLater() {
        if (closed) return;
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        vertx.setTimer(delay, id -> context.runOnContext(v -> {
            if (subscriber == null) connect();
        }));
    }

    private void message(Response r) {
        // RESP2 delivers ["message", channel, payload] as an array, RESP3 as a push
        if ((r.type() != ResponseType.MULTI && r.type() != ResponseType.PUSH) || r.size() != 3) return;
        if (!"message".equals(r.get(0).toString())) return;
        Consumer<String> handler = channels.get(r.get(1).toString());
        if (handler == null) return;
        try {
            handler.accept(r.get(2).toString());
        } catch (RuntimeException e) {
            LOG.warn("a Redis message on {} could not be handled: {}", r.get(1), e.toString());
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        up = false;
        context.runOnContext(v -> {
            if (subscriber != null) subscriber.close();
            subscriber = null;
        });
        subscriberClient.close();
        commands.close();
    }
}
