package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.LoopbackGuard;
import dev.switchboard.transport.OutboundConnector;
import dev.switchboard.transport.UpstreamOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter on its own against the standalone simulator's Anthropic side: native passthrough
 * (the contract an Anthropic-format ingress relies on), the headers it sends, and how failures
 * are classified.
 */
class AnthropicProviderTest {

    static final String KEY = "sk-ant-provider-test";
    static SimulatorServer sim;
    static Vertx vertx;
    static Context context;
    static OutboundConnector connector;
    final AnthropicProvider provider = new AnthropicProvider(Clock.fixed(Instant.ofEpochSecond(1_750_000_000L), ZoneOffset.UTC));

    @BeforeAll
    static void start() {
        sim = SimulatorServer.start("127.0.0.1", 0, KEY);
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        connector = new OutboundConnector(vertx, UpstreamOptions.defaults(new LoopbackGuard(true)));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        sim.close();
    }

    @BeforeEach
    void clear() {
        sim.clear();
    }

    private static Deployment deployment(String key, Map<String, String> extraHeaders) {
        DeploymentSpec spec = new DeploymentSpec("dep_test", "claude", "anthropic", "claude-sonnet-4-5", Map.of("apiKey", key),
                sim.rootUrl(), null, 1, null, null, null, null, null, extraHeaders, true, "api");
        return new Deployment(spec, new AnthropicProvider(Clock.systemUTC()), URI.create(sim.rootUrl()), key, Timeouts.DEFAULTS);
    }

    private static ChatRequest request(String text, boolean stream) {
        return new ChatRequest("claude", List.of(Message.text(Role.USER, text)), null, null, null, null, null, stream, false, null);
    }

    /** Runs one call on an event loop, as the pipeline does, and waits for its reply. */
    private ChatReply call(Deployment d, ChatRequest request, ObjectNode nativeBody, MultiMap clientHeaders) throws Exception {
        CompletableFuture<ChatReply> out = new CompletableFuture<>();
        context.runOnContext(v -> {
            Future<ChatReply> f = provider.chat(new ChatCall(d, request, nativeBody, UpstreamHeaders.forwardable(clientHeaders), "req_test_1",
                    false, new Cancellation(), connector, vertx));
            f.onSuccess(out::complete).onFailure(out::completeExceptionally);
        });
        return out.get(10, TimeUnit.SECONDS);
    }

    private UpstreamException failure(Deployment d, ChatRequest request) throws Exception {
        try {
            call(d, request, null, MultiMap.caseInsensitiveMultiMap());
        } catch (ExecutionException e) {
            return (UpstreamException) e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    /** Makes one streamed call and collects its events (or its failure), starting the stream at once as the pipeline does. */
    private List<Object> streamed(Deployment d, ChatRequest request, ObjectNode nativeBody) throws Exception {
        CompletableFuture<List<Object>> out = new CompletableFuture<>();
        context.runOnContext(v -> provider.chat(new ChatCall(d, request, nativeBody, MultiMap.caseInsensitiveMultiMap(), "req_test_1",
                        false, new Cancellation(), connector, vertx))
                .onFailure(out::completeExceptionally)
                .onSuccess(reply -> {
                    switch (reply) {
                        case ChatReply.NativeStream s -> drain(s.chunks(), out);
                        case ChatReply.CanonicalStream s -> drain(s.events(), out);
                        default -> out.completeExceptionally(new AssertionError("not a stream: " + reply));
                    }
                }));
        return out.get(10, TimeUnit.SECONDS);
    }

    private static <T> void drain(EventSource<T> source, CompletableFuture<List<Object>> out) {
        List<Object> seen = new ArrayList<>();
        source.start(new EventSource.EventSink<>() {
            @Override
            public void onEvent(T event) {
                seen.add(event);
            }

            @Override
            public void onEnd() {
                out.complete(seen);
            }

            @Override
            public void onError(UpstreamException error) {
                seen.add(error);
                out.complete(seen);
            }
        });
    }

    @Test
    void native_json_forwardsTheBodyWithOnlyModelChanged_andAnswersWithThePublicName() throws Exception {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"model":"claude","max_tokens":300,"messages":[{"role":"user","content":[{"type":"text","text":"Hello native",
                 "cache_control":{"type":"ephemeral"}}]}],"x_vendor_option":{"depth":3},"top_k":5,"temperature":0.10}""");
        ChatReply reply = call(deployment(KEY, Map.of()), request("Hello native", false), body, MultiMap.caseInsensitiveMultiMap());

        JsonNode sent = sim.last().json();
        ObjectNode expected = body.deepCopy().put("model", "claude-sonnet-4-5");
        assertThat(sent).isEqualTo(expected);
        assertThat(sim.last().body()).contains("\"temperature\":0.10");
        assertThat(body.get("model").asText()).as("the client's body is not changed").isEqualTo("claude");

        ChatReply.NativeJson json = (ChatReply.NativeJson) reply;
        JsonNode answer = Json.parse(json.body().getBytes());
        assertThat(answer.get("model").asText()).isEqualTo("claude");
        assertThat(answer.get("type").asText()).isEqualTo("message");
        assertThat(answer.at("/content/0/text").asText()).isEqualTo("Hello native");
        assertThat(json.upstreamModel()).isEqualTo("claude-sonnet-4-5");
        // 3 + (3 + 2); 2 words
        assertThat(json.usage()).isEqualTo(new Usage(8, 2, 0, 0, 0, false));
        assertThat(json.headers().names()).noneMatch(n -> n.contains("ratelimit") || n.contains("organization"));
    }

    @Test
    void native_stream_isTheUpstreamEventsInOrder_withoutPings_andThePublicModel() throws Exception {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"model":"claude","max_tokens":300,"stream":true,"messages":[{"role":"user","content":"one two three"}]}""");
        List<Object> events = streamed(deployment(KEY, Map.of()), request("one two three", true), body);
        List<String> types = events.stream().map(e -> ((ObjectNode) e).get("type").asText()).toList();
        assertThat(types).containsExactly("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        ObjectNode start = (ObjectNode) events.getFirst();
        assertThat(start.at("/message/model").asText()).isEqualTo("claude");
        AnthropicUsage.Stream usage = new AnthropicUsage.Stream();
        events.forEach(e -> usage.event((JsonNode) e));
        assertThat(usage.usage()).isEqualTo(new Usage(9, 3, 0, 0, 0, false));
        assertThat(sim.last().json().get("stream").asBoolean()).isTrue();
    }

    @Test
    void headers_apiKeyVersionAndBeta_neverTheClientsCredentials() throws Exception {
        MultiMap client = MultiMap.caseInsensitiveMultiMap()
                .add("authorization", "Bearer sk-sb-client").add("x-api-key", "sk-sb-client")
                .add("anthropic-beta", "prompt-caching-2024-07-31").add("openai-beta", "assistants=v2").add("cookie", "a=b");
        call(deployment(KEY, Map.of("x-sim-latency-ms", "1")), request("hi", false), null, client);
        MultiMap up = sim.last().headers();
        assertThat(sim.last().path()).isEqualTo("/v1/messages");
        assertThat(up.get("x-api-key")).isEqualTo(KEY);
        assertThat(up.get("anthropic-version")).isEqualTo(AnthropicProvider.API_VERSION);
        assertThat(up.get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
        assertThat(up.get("x-request-id")).isEqualTo("req_test_1");
        assertThat(up.get("x-sim-latency-ms")).isEqualTo("1");
        assertThat(up.get("authorization")).isNull();
        assertThat(up.get("openai-beta")).isNull();
        assertThat(up.get("cookie")).isNull();

        call(deployment(KEY, Map.of()), request("hi", false), null, MultiMap.caseInsensitiveMultiMap().add("anthropic-version", "2024-01-01"));
        assertThat(sim.last().headers().getAll("anthropic-version")).containsExactly("2024-01-01");
    }

    @Test
    void errors_areClassifiedFromAnthropicsShape() throws Exception {
        UpstreamException throttle = failure(deployment(KEY, Map.of()), request("[sim status=429 retry_after=3] hi", false));
        assertThat(throttle.failureClass()).isEqualTo(FailureClass.THROTTLE);
        assertThat(throttle.error().retryAfterMs()).isEqualTo(3000);
        UpstreamException overloaded = failure(deployment(KEY, Map.of()), request("[sim status=529] hi", false));
        assertThat(overloaded.failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(overloaded.upstreamStatus()).isEqualTo(529);
        UpstreamException tooLarge = failure(deployment(KEY, Map.of()), request("[sim status=413] hi", false));
        assertThat(tooLarge.failureClass()).isEqualTo(FailureClass.REQUEST);
        assertThat(tooLarge.error().kind()).isEqualTo(ErrorKind.REQUEST_TOO_LARGE);
        UpstreamException badKey = failure(deployment("wrong", Map.of()), request("hi", false));
        assertThat(badKey.failureClass()).isEqualTo(FailureClass.CONFIGURATION);
        assertThat(badKey.upstreamStatus()).isEqualTo(401);
    }

    @Test
    void stream_cutBeforeMessageStop_failsTransient() throws Exception {
        List<Object> events = streamed(deployment(KEY, Map.of()), request("[sim cut_after=2] one two three", true), null);
        assertThat(events.getLast()).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.failureClass()).isEqualTo(FailureClass.TRANSIENT));
        // Start, message_start's input count (for accounting), "one", then the failure
        assertThat(events).hasSize(4);
        assertThat(events.get(1)).isInstanceOf(StreamEvent.UsageSoFar.class);
    }

    @Test
    void stream_connectionLostBeforeTheStreamStarts_isStillReported() throws Exception {
        ChatReply reply = call(deployment(KEY, Map.of()), request("[sim cut_after=2] one two three", true), null,
                MultiMap.caseInsensitiveMultiMap());
        Thread.sleep(200); // the simulator has cut the connection by now, before anyone started reading
        CompletableFuture<List<Object>> out = new CompletableFuture<>();
        context.runOnContext(v -> drain(((ChatReply.CanonicalStream) reply).events(), out));
        assertThat(out.get(10, TimeUnit.SECONDS).getLast()).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.failureClass()).isEqualTo(FailureClass.TRANSIENT));
    }

    @Test
    void embeddings_areRefusedAsARequestFailure() {
        Throwable t = provider.embed(null).cause();
        assertThat(t).isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.failureClass()).isEqualTo(FailureClass.REQUEST));
    }
}
