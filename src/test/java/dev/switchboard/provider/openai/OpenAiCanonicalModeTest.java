package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.compat.CompatPresets;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.LoopbackGuard;
import dev.switchboard.transport.OutboundConnector;
import dev.switchboard.transport.UpstreamOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter's canonical mode end to end, at the provider level: a canonical request (as any
 * non-OpenAI ingress would hand over, so {@code nativeBody} is null) goes through
 * {@link OpenAiProvider#chat} and the real {@link OutboundConnector} to the standalone simulator,
 * which speaks the OpenAI wire format. Each test checks the canonical reply — content, tool
 * arguments reassembled, finish reason, usage by the simulator's documented formula
 * (docs/providers.md) — and the exact body the simulator received.
 */
class OpenAiCanonicalModeTest extends SimulatorBackedTest {

    static final OpenAiProvider OPENAI = new OpenAiProvider(CompatPresets.OPENAI);
    static final OpenAiProvider MISTRAL = new OpenAiProvider(
            CompatPresets.FAMILY.stream().filter(p -> p.id().equals("mistral")).findFirst().orElseThrow());

    static Vertx vertx;
    static Context context;
    static OutboundConnector connector;

    @BeforeAll
    static void startVertx() throws Exception {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        // the connector's clients belong to the event loop they are made on: the one every call runs on here
        connector = onContext(() -> Future.succeededFuture(
                new OutboundConnector(vertx, UpstreamOptions.defaults(LoopbackGuard.fromSystemProperties()))));
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void json_text_decodedToCanonical_withExactUpstreamBodyAndFormulaUsage() throws Exception {
        ChatRequest request = request(List.of(Message.text(Role.SYSTEM, "Be brief."), Message.text(Role.USER, "Hello there, gateway")),
                List.of(), null, new GenerationParams(0.5, null, 50, List.of(), null, null, null, null, null), null, false);
        ChatReply reply = onContext(() -> OPENAI.chat(call(OPENAI, request, false)));

        ChatResponse r = ((ChatReply.CanonicalJson) reply).response();
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.choices()).hasSize(1);
        assertThat(r.choices().getFirst().message().text()).isEqualTo("Hello there, gateway");
        assertThat(r.choices().getFirst().finishReason()).isEqualTo(FinishReason.STOP);
        // prompt 3 + (3 + 2) + (3 + 3) = 14; completion: 3 words
        assertThat(r.usage()).isEqualTo(Usage.of(14, 3));
        assertThat(reply.headers().get("openai-version")).isEqualTo("2020-10-01");
        assertThat(reply.headers().names()).noneMatch(h -> h.startsWith("x-ratelimit") || h.equals("set-cookie"));

        SimulatorServer.Received got = onlyRequest();
        assertThat(got.path()).isEqualTo("/v1/chat/completions");
        assertThat(got.headers().get("authorization")).isEqualTo("Bearer sk-test");
        assertThat(got.headers().get("x-request-id")).isEqualTo("req-canonical");
        Fixtures.assertJsonEquals(Json.parse("""
                {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"Hello there, gateway"}],"temperature":0.5,"max_completion_tokens":50}"""),
                got.json(), "upstream body");
    }

    @Test
    void stream_toolCall_argumentsReassembled_withFinishAndFormulaUsage() throws Exception {
        JsonNode schema = Json.parse("""
                {"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["celsius","fahrenheit"]},
                 "days":{"type":"integer","minimum":1}},"required":["city","unit","days"]}""");
        Tool weather = new Tool("get_weather", "Current weather for a city", schema, null);
        ChatRequest request = request(List.of(Message.text(Role.USER, "What's the weather in Paris?")), List.of(weather), ToolChoice.AUTO,
                GenerationParams.NONE, null, true);
        Streamed s = stream(OPENAI, request);

        assertThat(s.error).isNull();
        assertThat(s.events.getFirst()).isInstanceOf(StreamEvent.Start.class);
        List<StreamEvent.ToolCallStart> starts = only(s.events, StreamEvent.ToolCallStart.class);
        assertThat(starts).hasSize(1);
        assertThat(starts.getFirst().name()).isEqualTo("get_weather");
        assertThat(starts.getFirst().id()).startsWith("call_");
        List<StreamEvent.ToolCallDelta> deltas = only(s.events, StreamEvent.ToolCallDelta.class);
        assertThat(deltas).hasSize(3); // 40 characters of arguments in pieces of 16
        String arguments = deltas.stream().map(StreamEvent.ToolCallDelta::argumentsFragment).collect(Collectors.joining());
        assertThat(Json.parse(arguments)).isEqualTo(Json.parse("{\"city\":\"city\",\"unit\":\"celsius\",\"days\":1}"));
        assertThat(only(s.events, StreamEvent.Finish.class)).containsExactly(new StreamEvent.Finish(0, FinishReason.TOOL_CALLS));
        // prompt 3 + (3 + 5) + (8 + 1 + 5) = 25; completion: 1 per call + 3 argument pieces
        assertThat(s.events.getLast()).isEqualTo(new StreamEvent.UsageReport(Usage.of(25, 4)));

        JsonNode body = onlyRequest().json();
        Fixtures.assertJsonEquals(Json.parse("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"What's the weather in Paris?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city","parameters":%s}}],
                 "tool_choice":"auto","stream":true,"stream_options":{"include_usage":true}}""".formatted(schema)), body, "upstream body");
    }

    @Test
    void stream_mistralPreset_renamesFields_dropsRefused_andReportsNoUsageItWasNotGiven() throws Exception {
        ChatRequest request = new ChatRequest("public-model", List.of(Message.text(Role.USER, "one two three four")), List.of(), null, null,
                new GenerationParams(null, null, 2, List.of(), 9L, null, null, null, null), null, true, true, "user-7");
        Streamed s = stream(MISTRAL, request);

        assertThat(s.error).isNull();
        String text = only(s.events, StreamEvent.TextDelta.class).stream().map(StreamEvent.TextDelta::text).collect(Collectors.joining());
        assertThat(text).isEqualTo("one two"); // the simulator honoured max_tokens: 2
        assertThat(only(s.events, StreamEvent.Finish.class)).containsExactly(new StreamEvent.Finish(0, FinishReason.LENGTH));
        // mistral takes no stream_options, and this server sends usage only when asked: none is made up
        assertThat(only(s.events, StreamEvent.UsageReport.class)).isEmpty();
        Fixtures.assertJsonEquals(Json.parse("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"one two three four"}],
                 "max_tokens":2,"random_seed":9,"stream":true}"""), onlyRequest().json(), "upstream body");
    }

    @Test
    void stream_cutMidway_failsThroughTheErrorPath_afterTheEventsSoFar() throws Exception {
        ChatRequest request = request(List.of(Message.text(Role.USER, "[sim cut_after=3] one two three four five")), List.of(), null,
                GenerationParams.NONE, null, true);
        Streamed s = stream(OPENAI, request);

        assertThat(s.error).isNotNull();
        assertThat(s.error.failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(s.events.getFirst()).isInstanceOf(StreamEvent.Start.class);
        assertThat(only(s.events, StreamEvent.TextDelta.class)).isNotEmpty();
        assertThat(only(s.events, StreamEvent.Finish.class)).isEmpty();
        assertThat(only(s.events, StreamEvent.UsageReport.class)).isEmpty();
    }

    @Test
    void rejectPolicy_refusesAParameterThePresetCannotTake_beforeTheUpstream() {
        ChatRequest request = new ChatRequest("public-model", List.of(Message.text(Role.USER, "hi")), List.of(), null, null, null, null,
                false, false, "user-7");
        Throwable failure = failureOf(() -> MISTRAL.chat(call(MISTRAL, request, true)));

        UpstreamException e = (UpstreamException) failure;
        assertThat(e.failureClass()).isEqualTo(FailureClass.REQUEST);
        assertThat(e.error().kind()).isEqualTo(ErrorKind.UNSUPPORTED_PARAMETER);
        assertThat(e.error().param()).isEqualTo("user");
        assertThat(sim.received()).isEmpty();
    }

    @Test
    void upstreamThrottle_isClassifiedAsInNativeMode() {
        ChatRequest request = request(List.of(Message.text(Role.USER, "[sim status=429 retry_after=2] hi")), List.of(), null,
                GenerationParams.NONE, null, false);
        UpstreamException e = (UpstreamException) failureOf(() -> OPENAI.chat(call(OPENAI, request, false)));

        assertThat(e.failureClass()).isEqualTo(FailureClass.THROTTLE);
        assertThat(e.error().kind()).isEqualTo(ErrorKind.RATE_LIMIT_EXCEEDED);
        assertThat(e.error().retryAfterMs()).isEqualTo(2000);
    }

    // ---- helpers

    private static ChatRequest request(List<Message> messages, List<Tool> tools, ToolChoice choice, GenerationParams params,
                                       Boolean parallel, boolean stream) {
        return new ChatRequest("public-model", messages, tools, choice, parallel, params, null, stream, false, null);
    }

    private static ChatCall call(OpenAiProvider provider, ChatRequest request, boolean reject) {
        DeploymentSpec spec = new DeploymentSpec("dep_canonical", "public-model", provider.id(), "gpt-4o-mini",
                Map.of("apiKey", "sk-test"), sim.baseUrl(), null, null, null, null, null, null, null, Map.of(), true, "file");
        Deployment d = new Deployment(spec, provider, URI.create(sim.baseUrl()), "sk-test", Timeouts.DEFAULTS);
        return new ChatCall(d, request, null, MultiMap.caseInsensitiveMultiMap(), "req-canonical", reject, new Cancellation(),
                connector, vertx);
    }

    private static SimulatorServer.Received onlyRequest() {
        List<SimulatorServer.Received> all = sim.received();
        assertThat(all).hasSize(1);
        return all.getFirst();
    }

    private static <T> List<T> only(List<StreamEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Runs {@code call} on the test's event loop, as the pipeline would, and waits for its result. */
    private static <T> T onContext(Supplier<Future<T>> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> call.get().onComplete(ar -> {
            if (ar.succeeded()) result.complete(ar.result());
            else result.completeExceptionally(ar.cause());
        }));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Supplier<Future<ChatReply>> call) {
        try {
            onContext(call);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the call succeeded");
    }

    /** The events a canonical stream delivered, and the failure that ended it (null when it ended properly). */
    private record Streamed(List<StreamEvent> events, UpstreamException error) {}

    /**
     * Calls and starts the stream in one event-loop task, as the pipeline does (Dispatch primes the
     * source in the callback of the call): a reset arriving in between would otherwise meet a
     * source with no handlers yet.
     */
    private static Streamed stream(OpenAiProvider provider, ChatRequest request) throws Exception {
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<UpstreamException> ended = new CompletableFuture<>();
        context.runOnContext(v -> provider.chat(call(provider, request, false)).onComplete(ar -> {
            if (ar.failed()) {
                ended.completeExceptionally(ar.cause());
                return;
            }
            ((ChatReply.CanonicalStream) ar.result()).events().start(new EventSource.EventSink<>() {
                @Override
                public void onEvent(StreamEvent event) {
                    events.add(event);
                }

                @Override
                public void onEnd() {
                    ended.complete(null);
                }

                @Override
                public void onError(UpstreamException error) {
                    ended.complete(error);
                }
            });
        }));
        UpstreamException error = ended.get(10, TimeUnit.SECONDS);
        return new Streamed(List.copyOf(events), error);
    }
}
