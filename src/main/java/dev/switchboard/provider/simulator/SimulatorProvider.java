package dev.switchboard.provider.simulator;

import dev.switchboard.config.Timeouts;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.provider.Capabilities;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamErrors;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.transport.CallDeadlines;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The built-in {@code simulator} provider: answers in process, through the canonical model, with
 * no network. Directives come from the deployment's {@code extraHeaders} ({@code x-sim-*}) and
 * the last message. It is what the zero-config {@code demo} model runs on.
 */
public final class SimulatorProvider implements Provider {

    static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true, true, true, true);

    private final SimulatorEngine engine;

    public SimulatorProvider(Clock clock) {
        this.engine = new SimulatorEngine(clock);
    }

    @Override
    public String id() {
        return "simulator";
    }

    @Override
    public WireFormat wireFormat() {
        return WireFormat.NONE;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ProviderEndpoint endpoint() {
        return ProviderEndpoint.IN_PROCESS;
    }

    @Override
    public Future<ChatReply> chat(ChatCall call) {
        ChatRequest request = call.request();
        SimDirectives d = directives(call.deployment().extraHeaders(), request.lastMessage().text());
        if (request.stream()) {
            if (d.status() >= 400) return Future.failedFuture(failure(d));
            // the pipeline cancels a stream whose client goes away; the source settles its deadlines then
            CallDeadlines deadlines = new CallDeadlines(call.vertx(), call.deployment().timeouts(), true);
            return Future.succeededFuture(new ChatReply.CanonicalStream(
                    new PacedEventSource<>(call.vertx(), engine.events(request), d, deadlines), MultiMap.caseInsensitiveMultiMap()));
        }
        return answerLater(call.vertx(), call.deployment().timeouts(), call.cancellation(), d,
                () -> new ChatReply.CanonicalJson(answeredBy(engine.response(request), call.deployment().upstreamModel()),
                        MultiMap.caseInsensitiveMultiMap()));
    }

    /** The answer as a provider's names its model: the deployment's upstream model, not the public name asked for. */
    private static ChatResponse answeredBy(ChatResponse r, String upstreamModel) {
        return new ChatResponse(r.id(), upstreamModel, r.created(), r.choices(), r.usage());
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        SimDirectives d = directives(call.deployment().extraHeaders(), null);
        return answerLater(call.vertx(), call.deployment().timeouts(), call.cancellation(), d,
                () -> new EmbeddingReply.Canonical(engine.embed(call.request()), MultiMap.caseInsensitiveMultiMap()));
    }

    /** The simulator's own prompt count, by the formula its answers report. */
    @Override
    public Future<Long> countTokens(ChatCall call) {
        return Future.succeededFuture(SimulatorEngine.promptTokens(call.request()));
    }

    /**
     * A complete answer after the directed latency — or the directed failure, or a timeout when
     * the latency outlasts the deployment's deadline, or nothing when the client went away.
     */
    private static <T> Future<T> answerLater(Vertx vertx, Timeouts timeouts, Cancellation cancellation, SimDirectives d,
                                             Supplier<T> answer) {
        if (d.latencyMs() <= 0) return d.status() >= 400 ? Future.failedFuture(failure(d)) : Future.succeededFuture(answer.get());
        CallDeadlines deadlines = new CallDeadlines(vertx, timeouts, false);
        Promise<T> promise = Promise.promise();
        long timer = vertx.setTimer(d.latencyMs(), id -> {
            if (deadlines.settled()) return;
            deadlines.settle();
            if (d.status() >= 400) promise.tryFail(failure(d));
            else promise.tryComplete(answer.get());
        });
        deadlines.onExpire(which -> {
            vertx.cancelTimer(timer);
            promise.tryFail(UpstreamErrors.timeout(which, "simulated call passed its " + which + " deadline"));
        });
        cancellation.onCancel(() -> {
            vertx.cancelTimer(timer);
            deadlines.settle();
        });
        return promise.future();
    }

    private static SimDirectives directives(Map<String, String> extraHeaders, String text) {
        return SimDirectives.read(name -> extraHeaders.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null), text);
    }

    /** A simulated provider failure, classified as a real one with that status would be. */
    static UpstreamException failure(SimDirectives d) {
        int status = d.status();
        return dev.switchboard.provider.UpstreamErrors.classify(status, d.retryAfter() > 0 ? d.retryAfter() * 1000L : -1,
                null, "simulated status " + status);
    }

}
