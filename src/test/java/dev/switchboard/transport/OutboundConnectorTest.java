package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one way out: the loopback guard trips before any connection; proxy exemptions follow NO_PROXY. */
class OutboundConnectorTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(OutboundConnector c, String url, AtomicInteger requestsMade) throws Exception {
        try {
            c.send(HttpMethod.POST, URI.create(url), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"), 1000,
                    req -> requestsMade.incrementAndGet()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void guard_refusesBeyondLoopback_beforeAnyRequestIsMade() throws Exception {
        OutboundConnector c = new OutboundConnector(vertx, UpstreamOptions.defaults(new LoopbackGuard(true)));
        AtomicInteger made = new AtomicInteger();
        for (String url : List.of("https://api.openai.com/v1/chat/completions", "http://10.0.0.1/v1", "http://192.168.1.20:8080/v1",
                "http://[2001:db8::1]/v1")) {
            assertThat(failureOf(c, url, made)).as(url).isInstanceOf(LoopbackGuard.OutboundRefusedException.class);
        }
        assertThat(made).hasValue(0);
    }

    @Test
    void proxy_isNeverUsedForLoopbackTargets() throws Exception {
        UpstreamOptions options = new UpstreamOptions(8, 1, 16, Optional.of(URI.create("http://10.1.2.3:3128")), List.of(), Optional.empty(),
                new LoopbackGuard(true));
        OutboundConnector c = new OutboundConnector(vertx, options);
        AtomicInteger made = new AtomicInteger();
        // a loopback target is never proxied, so only the proxy itself could trip the guard here: it must not be used
        Throwable t = failureOf(c, "https://localhost:1/v1", made);
        assertThat(t).isNotInstanceOf(LoopbackGuard.OutboundRefusedException.class);
    }

    @Test
    void guard_letsLoopbackThrough() throws Exception {
        OutboundConnector c = new OutboundConnector(vertx, UpstreamOptions.defaults(new LoopbackGuard(true)));
        AtomicInteger made = new AtomicInteger();
        Throwable t = failureOf(c, "http://127.0.0.1:1/v1", made);
        assertThat(t).isNotNull().isNotInstanceOf(LoopbackGuard.OutboundRefusedException.class);
    }

    @Test
    void nonProxyHosts_coverLoopbackAndNoProxyRules() {
        assertThat(OutboundConnector.nonProxyHosts(List.of(".internal.example", "api.local", "*.corp")))
                .contains("localhost", "127.0.0.1", "::1", "*.internal.example", "internal.example", "api.local", "*.api.local",
                        "*.corp", "corp");
    }
}
