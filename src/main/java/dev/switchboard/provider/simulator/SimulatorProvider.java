package dev.switchboard.provider.simulator;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.provider.Capabilities;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EmbeddingCall;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.Map;

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
        Promise<ChatReply> promise = Promise.promise();
        PacedEventSource.delayed(call.vertx(), request.stream() ? 0 : d.latencyMs(), () -> {
            if (d.status() >= 400) {
                promise.fail(failure(d));
            } else if (request.stream()) {
                promise.complete(new ChatReply.CanonicalStream(
                        new PacedEventSource<>(call.vertx(), engine.events(request), d), MultiMap.caseInsensitiveMultiMap()));
            } else {
                promise.complete(new ChatReply.CanonicalJson(engine.response(request), MultiMap.caseInsensitiveMultiMap()));
            }
        });
        return promise.future();
    }

    @Override
    public Future<EmbeddingReply> embed(EmbeddingCall call) {
        SimDirectives d = directives(call.deployment().extraHeaders(), null);
        Promise<EmbeddingReply> promise = Promise.promise();
        PacedEventSource.delayed(call.vertx(), d.latencyMs(), () -> {
            if (d.status() >= 400) promise.fail(failure(d));
            else promise.complete(new EmbeddingReply.Canonical(engine.embed(call.request()), MultiMap.caseInsensitiveMultiMap()));
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
