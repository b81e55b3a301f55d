package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.EventStreamDecoder;
import dev.switchboard.transport.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone simulator's Amazon Bedrock face: {@code POST /model/{modelId}/converse} (JSON)
 * and {@code /model/{modelId}/converse-stream} (a real binary AWS event stream:
 * {@code messageStart}, {@code contentBlockStart} for tool calls, {@code contentBlockDelta},
 * {@code contentBlockStop}, {@code messageStop}, {@code metadata}), answered by the same
 * {@link SimulatorEngine}; usage is Converse's {@code inputTokens}/{@code outputTokens}/{@code totalTokens}.
 *
 * <p>Like AWS it wants a SigV4 request: an {@code x-amz-date} and an {@code Authorization} of the
 * form {@code AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/bedrock/aws4_request,
 * SignedHeaders=…, Signature=<64 hex>} whose date is the {@code x-amz-date}'s; none is a 403
 * {@code MissingAuthenticationTokenException}, a malformed one a 403
 * {@code IncompleteSignatureException}, another key id than the simulator's key (when it has one)
 * a 403 {@code UnrecognizedClientException}. The signature itself is not recomputed (the simulator
 * has no secret). Directed failures answer in Bedrock's error shape ({@code {"message"}} with
 * {@code x-amzn-ErrorType}).
 */
final class SimulatorBedrock {

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([a-z0-9-]+)/bedrock/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}");

    private final Vertx vertx;
    private final SimulatorEngine engine;
    private final String accessKeyId;
    private final Runnable abandoned;

    SimulatorBedrock(Vertx vertx, SimulatorEngine engine, String accessKeyId, Runnable abandoned) {
        this.vertx = vertx;
        this.engine = engine;
        this.accessKeyId = accessKeyId;
        this.abandoned = abandoned;
    }

    void mount(Router router) {
        router.post("/model/:model/converse").handler(ctx -> converse(ctx, false));
        router.post("/model/:model/converse-stream").handler(ctx -> converse(ctx, true));
    }

    private void converse(RoutingContext ctx, boolean stream) {
        String auth = ctx.request().getHeader("authorization");
        String date = ctx.request().getHeader("x-amz-date");
        if (auth == null || date == null) {
            error(ctx.response(), 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
            return;
        }
        Matcher m = AUTH.matcher(auth);
        if (!m.matches() || !date.startsWith(m.group(2)) || !m.group(4).contains("host") || !m.group(4).contains("x-amz-date")) {
            error(ctx.response(), 403, "IncompleteSignatureException", "Authorization header requires a valid SigV4 signature.");
            return;
        }
        if (accessKeyId != null && !accessKeyId.equals(m.group(1))) {
            error(ctx.response(), 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
            return;
        }
        String model = ctx.pathParam("model");
        ChatRequest request;
        try {
            request = decode(Json.parse(ctx.body().buffer().getBytes()), model, stream);
        } catch (IOException | RuntimeException e) {
            error(ctx.response(), 400, "ValidationException", "Malformed input request: " + e.getMessage());
            return;
        }
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, request.lastMessage().text());
        HttpServerResponse resp = ctx.response();
        if (d.status() >= 400) {
            String type = d.status() == 429 ? "ThrottlingException" : d.status() >= 500 ? "InternalServerException" : "ValidationException";
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> error(resp, d.status(), type, "Simulated failure with status " + d.status()));
            return;
        }
        if (!stream) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> resp.putHeader("content-type", "application/json")
                    .putHeader("x-amzn-requestid", "sim-" + Long.toHexString(System.nanoTime())).end(Json.buffer(answer(engine.response(request)))));
            return;
        }
        PacedEventSource<StreamEvent> events = new PacedEventSource<>(vertx, engine.events(request), d, null);
        resp.setChunked(true).putHeader("content-type", "application/vnd.amazon.eventstream");
        resp.closeHandler(v -> {
            abandoned.run();
            events.cancel();
        });
        int[] block = {-1};
        boolean[] open = {false};
        events.start(new EventSource.EventSink<>() {
            @Override
            public void onEvent(StreamEvent event) {
                switch (event) {
                    case StreamEvent.Start s -> frame(resp, "messageStart", Json.object().put("role", "assistant"));
                    case StreamEvent.TextDelta t when t.choice() == 0 -> {
                        if (!open[0]) {
                            open[0] = true;
                            block[0]++;
                        }
                        ObjectNode e = Json.object().put("contentBlockIndex", block[0]);
                        e.putObject("delta").put("text", t.text());
                        frame(resp, "contentBlockDelta", e);
                    }
                    case StreamEvent.ToolCallStart c when c.choice() == 0 -> {
                        if (open[0]) frame(resp, "contentBlockStop", Json.object().put("contentBlockIndex", block[0]));
                        open[0] = true;
                        ObjectNode e = Json.object().put("contentBlockIndex", ++block[0]);
                        e.putObject("start").putObject("toolUse").put("toolUseId", c.id()).put("name", c.name());
                        frame(resp, "contentBlockStart", e);
                    }
                    case StreamEvent.ToolCallDelta c when c.choice() == 0 -> {
                        ObjectNode e = Json.object().put("contentBlockIndex", block[0]);
                        e.putObject("delta").putObject("toolUse").put("input", c.argumentsFragment());
                        frame(resp, "contentBlockDelta", e);
                    }
                    case StreamEvent.Finish f when f.choice() == 0 -> {
                        if (open[0]) frame(resp, "contentBlockStop", Json.object().put("contentBlockIndex", block[0]));
                        open[0] = false;
                        frame(resp, "messageStop", Json.object().put("stopReason", stopReason(f.reason())));
                    }
                    case StreamEvent.UsageReport u -> {
                        ObjectNode e = Json.object();
                        e.set("usage", usage(u.usage()));
                        e.putObject("metrics").put("latencyMs", 1);
                        frame(resp, "metadata", e);
                    }
                    default -> { }
                }
            }

            @Override
            public void onEnd() {
                resp.end();
            }

            @Override
            public void onError(UpstreamException error) {
                resp.reset();
            }
        });
    }

    private static void frame(HttpServerResponse resp, String type, ObjectNode payload) {
        resp.write(EventStreamDecoder.encode(Map.of(":event-type", type, ":message-type", "event", ":content-type", "application/json"),
                Json.buffer(payload).getBytes()));
    }

    /** A Converse request in canonical terms: system first, tool results as tool messages. */
    static ChatRequest decode(JsonNode body, String model, boolean stream) {
        List<Message> messages = new ArrayList<>();
        for (JsonNode s : body.path("system")) if (s.has("text")) messages.add(Message.text(Role.SYSTEM, s.get("text").asText()));
        for (JsonNode m : body.path("messages")) {
            Role role = "assistant".equals(m.path("role").asText()) ? Role.ASSISTANT : Role.USER;
            List<ContentPart> parts = new ArrayList<>();
            for (JsonNode b : m.path("content")) {
                if (b.has("text")) {
                    parts.add(new ContentPart.Text(b.get("text").asText()));
                } else if (b.has("toolUse")) {
                    JsonNode u = b.get("toolUse");
                    parts.add(new ContentPart.ToolCall(u.path("toolUseId").asText(), u.path("name").asText(), u.path("input").toString()));
                } else if (b.has("toolResult")) {
                    JsonNode r = b.get("toolResult");
                    List<ContentPart> content = new ArrayList<>();
                    for (JsonNode c : r.path("content")) {
                        content.add(new ContentPart.Text(c.has("text") ? c.get("text").asText() : c.path("json").toString()));
                    }
                    messages.add(new Message(Role.TOOL, List.of(new ContentPart.ToolResult(r.path("toolUseId").asText(), content,
                            "error".equals(r.path("status").asText()))), null));
                }
            }
            if (!parts.isEmpty()) messages.add(new Message(role, parts, null));
        }
        if (messages.isEmpty()) throw new IllegalArgumentException("messages is empty");
        JsonNode inf = body.path("inferenceConfig");
        List<String> stop = new ArrayList<>();
        inf.path("stopSequences").forEach(s -> stop.add(s.asText()));
        GenerationParams params = new GenerationParams(inf.has("temperature") ? inf.get("temperature").asDouble() : null,
                inf.has("topP") ? inf.get("topP").asDouble() : null, inf.has("maxTokens") ? inf.get("maxTokens").asInt() : null, stop,
                null, null, null, null, null);
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : body.path("toolConfig").path("tools")) {
            JsonNode spec = t.path("toolSpec");
            tools.add(new Tool(spec.path("name").asText(), spec.has("description") ? spec.get("description").asText() : null,
                    spec.path("inputSchema").path("json"), null));
        }
        JsonNode tc = body.path("toolConfig").path("toolChoice");
        ToolChoice choice = tc.has("any") ? ToolChoice.REQUIRED : tc.has("tool") ? new ToolChoice.Named(tc.path("tool").path("name").asText())
                : tools.isEmpty() ? null : ToolChoice.AUTO;
        return new ChatRequest(model, messages, tools, choice, null, params, null, stream, true, null);
    }

    private static ObjectNode answer(ChatResponse r) {
        ChatResponse.Choice c = r.choices().getFirst();
        ObjectNode out = Json.object();
        ObjectNode message = out.putObject("output").putObject("message").put("role", "assistant");
        ArrayNode content = message.putArray("content");
        for (ContentPart p : c.message().content()) {
            if (p instanceof ContentPart.Text t) content.addObject().put("text", t.text());
            if (p instanceof ContentPart.ToolCall call) {
                ObjectNode use = content.addObject().putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
                try {
                    use.set("input", Json.parse(call.arguments()));
                } catch (IOException e) {
                    use.putObject("input");
                }
            }
        }
        out.put("stopReason", stopReason(c.finishReason()));
        out.set("usage", usage(r.usage()));
        out.putObject("metrics").put("latencyMs", 1);
        return out;
    }

    private static ObjectNode usage(Usage u) {
        return Json.object().put("inputTokens", u.inputTokens()).put("outputTokens", u.outputTokens()).put("totalTokens", u.totalTokens());
    }

    private static String stopReason(FinishReason f) {
        return switch (f) {
            case TOOL_CALLS -> "tool_use";
            case LENGTH -> "max_tokens";
            case CONTENT_FILTER -> "content_filtered";
            default -> "end_turn";
        };
    }

    /** Bedrock's error shape: {@code {"message"}}, the type in {@code x-amzn-ErrorType}. */
    static void error(HttpServerResponse resp, int status, String type, String message) {
        resp.setStatusCode(status).putHeader("content-type", "application/json").putHeader("x-amzn-ErrorType", type)
                .end(Json.buffer(Json.object().put("message", message)));
    }
}
