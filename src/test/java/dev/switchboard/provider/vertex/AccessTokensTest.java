package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import dev.switchboard.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The token cache's rules, on a clock the test moves: reuse, early refresh, one shared request, no cached failure. */
class AccessTokensTest {

    /** A token endpoint the test answers by hand: each request is a promise, granted or failed when the test says. */
    static final class Endpoint implements Supplier<Future<AccessTokens.Grant>> {
        final List<Promise<AccessTokens.Grant>> requests = new ArrayList<>();

        @Override
        public Future<AccessTokens.Grant> get() {
            Promise<AccessTokens.Grant> p = Promise.promise();
            requests.add(p);
            return p.future();
        }

        void grant(int i, String token, long expiresIn) {
            requests.get(i).complete(new AccessTokens.Grant(token, expiresIn));
        }
    }

    final TestClock clock = new TestClock();
    final AccessTokens tokens = new AccessTokens(clock);
    final Endpoint endpoint = new Endpoint();

    @Test
    void aToken_isReused_untilSixtySecondsBeforeItExpires_thenRefreshed() {
        Future<String> first = tokens.token("sa", endpoint);
        endpoint.grant(0, "t1", 3600);
        assertThat(first.result()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(3539));
        assertThat(tokens.token("sa", endpoint).result()).isEqualTo("t1");
        assertThat(endpoint.requests).hasSize(1);

        clock.advance(Duration.ofSeconds(1)); // 60 s before expiry: refresh
        Future<String> refreshed = tokens.token("sa", endpoint);
        assertThat(endpoint.requests).hasSize(2);
        assertThat(refreshed.isComplete()).isFalse();
        endpoint.grant(1, "t2", 3600);
        assertThat(refreshed.result()).isEqualTo("t2");
        assertThat(tokens.token("sa", endpoint).result()).isEqualTo("t2");
        assertThat(endpoint.requests).hasSize(2);
    }

    @Test
    void concurrentCallers_duringARequest_shareIt() {
        Future<String> a = tokens.token("sa", endpoint);
        Future<String> b = tokens.token("sa", endpoint);
        Future<String> c = tokens.token("sa", endpoint);
        assertThat(endpoint.requests).hasSize(1);
        assertThat(a.isComplete()).isFalse();
        endpoint.grant(0, "shared", 3600);
        assertThat(List.of(a.result(), b.result(), c.result())).containsOnly("shared");
    }

    @Test
    void accounts_haveTheirOwnTokens() {
        tokens.token("one", endpoint);
        tokens.token("two", endpoint);
        assertThat(endpoint.requests).hasSize(2);
    }

    @Test
    void aFailedRequest_isNotCached_theNextCallAsksAgain() {
        Future<String> failed = tokens.token("sa", endpoint);
        endpoint.requests.getFirst().fail(new IllegalStateException("refused"));
        assertThat(failed.failed()).isTrue();
        Future<String> again = tokens.token("sa", endpoint);
        assertThat(endpoint.requests).hasSize(2);
        endpoint.grant(1, "t", 3600);
        assertThat(again.result()).isEqualTo("t");
    }

    @Test
    void aShortLivedToken_isUsedForHalfItsLife() {
        tokens.token("sa", endpoint);
        endpoint.grant(0, "short", 100);
        clock.advance(Duration.ofSeconds(49));
        assertThat(tokens.token("sa", endpoint).result()).isEqualTo("short");
        clock.advance(Duration.ofSeconds(1));
        tokens.token("sa", endpoint);
        assertThat(endpoint.requests).hasSize(2);
    }

    @Test
    void anInvalidatedToken_isFetchedAgain_butOnlyIfStillTheCurrentOne() {
        tokens.token("sa", endpoint);
        endpoint.grant(0, "t1", 3600);
        tokens.invalidate("sa", "stale-other");
        assertThat(tokens.token("sa", endpoint).result()).isEqualTo("t1");
        tokens.invalidate("sa", "t1");
        tokens.token("sa", endpoint);
        assertThat(endpoint.requests).hasSize(2);
    }
}
