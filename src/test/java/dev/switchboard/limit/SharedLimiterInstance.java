package dev.switchboard.limit;

import dev.switchboard.observe.Metrics;
import dev.switchboard.redis.RedisLink;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One gateway's worth of the Redis limiter for tests: its own Vert.x, link and metrics, and a
 * {@code redisFailure} switch the test flips ({@code open} unless told).
 */
record SharedLimiterInstance(Vertx vertx, RedisLink link, RedisLimiter limiter, Metrics metrics, AtomicBoolean failOpen)
        implements AutoCloseable {

    static SharedLimiterInstance start(String url, String namespace, InstantSource clock) {
        return start(url, namespace, clock, RedisLimiter.Leases.DEFAULT);
    }

    static SharedLimiterInstance start(String url, String namespace, InstantSource clock, RedisLimiter.Leases leases) {
        Vertx vertx = Vertx.vertx();
        RedisLink link = new RedisLink(vertx, URI.create(url));
        Metrics metrics = new Metrics();
        AtomicBoolean failOpen = new AtomicBoolean(true);
        RedisLimiter limiter = new RedisLimiter(link, RedisLimiter.Names.under(namespace), clock, metrics, failOpen::get, leases);
        LimiterContract.await(link.start());
        return new SharedLimiterInstance(vertx, link, limiter, metrics, failOpen);
    }

    long fallbacks() {
        return metrics.counter("switchboard_limiter_fallback_total", "-").get();
    }

    @Override
    public void close() {
        limiter.close();
        link.close();
        LimiterContract.await(vertx.close());
    }
}
