package dev.switchboard.pipeline;

import dev.switchboard.auth.Principal;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.routing.Deployment;
import dev.switchboard.usage.TokenEstimator;
import dev.switchboard.usage.UsageRecord;
import dev.switchboard.usage.UsageSink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a finished request is accounted: the deployment's token count, and one usage record per
 * request handed to the {@link dev.switchboard.usage.UsageSink} — for a complete answer
 * ({@link #usage}), a stream at its end, a client gone mid-stream included ({@link #stream}), and a
 * request that failed after attempts ({@link #failed}). Runs on the event loop: building the record
 * and {@code offer} are all it does there. When the provider reported no usage, the input is
 * counted by {@link TokenEstimator} on a worker thread (its encoding is slow to load) and the
 * record is marked {@code estimated}; the output is estimated at four characters a token of the
 * text the stream carried before it ended.
 */
public final class Settle {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.usage");
    private static final int MAX_TAGS = 16;
    private static final int MAX_TAG_LENGTH = 64;

    private Settle() {}

    public static void usage(Exchange ex, Usage usage) {
        ex.settled(usage);
        if (LOG.isDebugEnabled()) {
            LOG.debug("request settled request_id={} deployment={} attempts={} input_tokens={} output_tokens={}",
                    ex.requestId(), ex.deployment() == null ? null : ex.deployment().id(), ex.attempts(),
                    usage == null ? null : usage.inputTokens(), usage == null ? null : usage.outputTokens());
        }
        record(ex, 200, usage, true);
    }

    /**
     * A stream ended, after the commit point: a failure is logged (the client saw an error event),
     * and the last usage the stream reported is settled. A client that went away ends it too, with
     * the usage seen so far: a translated stream's final report never came, but its provider may
     * have counted on the way (Anthropic's {@code message_start}, a usage chunk before the end).
     */
    public static void stream(Exchange ex, Usage usage, UpstreamException failure) {
        if (failure != null) {
            LOG.warn("stream failed after commit request_id={} deployment={} provider={} class={} detail={}", ex.requestId(),
                    ex.deployment().id(), ex.deployment().provider().id(), failure.failureClass(), ex.deployment().redact(failure.getMessage()));
        }
        boolean cutShort = failure != null || ex.cancellation().cancelled();
        usage(ex, cutShort ? atLeastStreamed(ex, usage != null ? usage : ex.usageSoFar()) : usage);
    }

    /**
     * The usage of a stream that did not reach its end: what the provider reported so far can be
     * a start figure (Anthropic's {@code message_start} says 1 output token), so the output is at
     * least the estimate of the text that reached the client, and then marked estimated.
     */
    private static Usage atLeastStreamed(Exchange ex, Usage usage) {
        if (usage == null) return null; // estimated whole when it is recorded
        long streamed = ex.streamedTokensEstimate();
        if (usage.outputTokens() >= streamed) return usage;
        return new Usage(usage.inputTokens(), streamed, usage.cachedInputTokens(), usage.cacheWriteTokens(), usage.reasoningTokens(), true);
    }

    /**
     * The request failed after at least one attempt and the client is answered {@code status}
     * (499 when it went away first): a record with the status and no tokens. A request no provider
     * heard (refused by authentication, an unknown model, or by every deployment before its call: a
     * chat-only model asked to embed, a parameter under the reject policy) has none.
     */
    public static void failed(Exchange ex, int status) {
        if (ex == null || !ex.calledAProvider()) return;
        if (status == CLIENT_LEFT && ex.chatRequest() != null) {
            // The provider had the prompt, and bills it, whatever the client did next: the record
            // and the caller's budget count it (estimated; the answer that would have told is
            // gone), or a client could spend without limit by leaving before the first token.
            long input = ex.admittedInputTokens();
            if (input > 0) {
                Usage u = estimate(input, ex.streamedTokensEstimate());
                ex.settled(u);
                record(ex, status, u, false);
            } else {
                record(ex, status, null, true); // nothing admitted it (no limits): counted off the event loop for the record
            }
            return;
        }
        record(ex, status, null, false);
    }

    /** The status a request gets in its usage record when its client left before the answer. */
    public static final int CLIENT_LEFT = 499;

    private static void record(Exchange ex, int status, Usage usage, boolean estimateIfMissing) {
        Accounting a = ex.accounting();
        if (a == null || !ex.markAccounted()) return;
        long latency = ex.elapsedMillis();
        ChatRequest request = ex.chatRequest();
        if (usage == null && estimateIfMissing && request != null) {
            long output = ex.streamedTokensEstimate();
            Context context = Vertx.currentContext();
            if (context != null) {
                UsageSink.Promise promise = a.sink().promise();
                context.owner().executeBlocking(() -> {
                    promise.offer(build(ex, a, status, estimated(request, output), latency));
                    return null;
                }, false).onFailure(t -> {
                    promise.abandon();
                    LOG.warn("usage estimate failed request_id={}: {}", ex.requestId(), t.toString());
                });
                return;
            }
            usage = estimated(request, output);
        }
        a.sink().offer(build(ex, a, status, usage == null ? Usage.ZERO : usage, latency));
    }

    /**
     * The gateway's estimate of a stream's usage, for a provider that reported none: its input
     * counted ({@link TokenEstimator#count}, off the event loop when long) and its output what was
     * streamed.
     */
    public static Future<Usage> estimate(Vertx vertx, Exchange ex, ChatRequest request) {
        return TokenEstimator.count(vertx, request).map(input -> estimate(input, ex.streamedTokensEstimate()));
    }

    /** The usage of {@code inputTokens} counted and {@code outputTokens} estimated, marked estimated. */
    public static Usage estimate(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0, 0, true);
    }

    /** {@code response} with the gateway's estimate for the usage its provider left out: {@code inputTokens} counted, its answer counted. */
    public static ChatResponse withEstimate(ChatResponse response, long inputTokens) {
        return new ChatResponse(response.id(), response.model(), response.created(), response.choices(),
                estimate(inputTokens, TokenEstimator.outputTokens(response)));
    }

    private static Usage estimated(ChatRequest request, long outputTokens) {
        return estimate(TokenEstimator.inputTokens(request), outputTokens);
    }

    private static UsageRecord build(Exchange ex, Accounting a, int status, Usage u, long latencyMs) {
        Deployment d = ex.deployment();
        Principal p = ex.principal();
        String keyId = p == null ? null : p.admin() ? "master" : p.key().id();
        String teamId = p == null || p.admin() ? null : p.key().teamId();
        Double cost = d == null ? null : a.prices().price(d).map(price -> price.cost(u)).orElse(null);
        long ttft = ex.firstEventMillis();
        return new UsageRecord(recordId(ex.startMillis()), ex.requestId(), ex.startMillis(), keyId, teamId, ex.model(),
                d == null ? null : d.id(), d == null ? null : d.spec().provider(), d == null ? null : d.upstreamModel(),
                u.inputTokens(), u.outputTokens(), u.cachedInputTokens(), u.cacheWriteTokens(), u.reasoningTokens(), u.estimated(),
                cost, latencyMs, ttft < 0 ? null : ttft, status, "bypass", ex.attempts(), tags(ex.tags()));
    }

    /** {@code x-switchboard-tags: a, b}: trimmed, empty ones dropped, at most 16 of at most 64 characters. */
    static List<String> tags(String header) {
        if (header == null || header.isBlank()) return List.of();
        List<String> out = new ArrayList<>(4);
        for (String t : header.split(",")) {
            String tag = t.strip();
            if (tag.isEmpty()) continue;
            out.add(tag.length() > MAX_TAG_LENGTH ? tag.substring(0, MAX_TAG_LENGTH) : tag);
            if (out.size() == MAX_TAGS) break;
        }
        return out;
    }

    /**
     * Unique per record (so a replayed batch is recognised) and in time order: the wall-clock
     * milliseconds in 12 hex digits, then 64 random bits. The table's key index then grows at its
     * end instead of at random places: measured, random keys made SQLite rewrite pages all over
     * the index on every batch.
     */
    static String recordId(long epochMillis) {
        String time = Long.toHexString(epochMillis);
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        return "use_" + "000000000000".substring(Math.min(12, time.length())) + time + random;
    }

    /** The last usage a stream reported, kept by its framing until the stream ends. */
    public static final class LastUsage {
        private Usage value;

        public void set(Usage u) {
            value = u;
        }

        public Usage get() {
            return value;
        }
    }
}
