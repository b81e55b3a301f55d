package dev.switchboard.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.EventSource;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.transport.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone simulator's Cohere face: {@code POST /v2/chat}, JSON and SSE, answered by the
 * same {@link SimulatorEngine}. The Bearer key is checked by the server's common handler. A
 * stream is Cohere's event sequence — {@code message-start}; per text answer {@code content-start},
 * one {@code content-delta} per word, {@code content-end}; per tool call {@code tool-call-start},
 * {@code tool-call-delta}s of 16 characters, {@code tool-call-end}; {@code message-end} with the
 * finish reason and usage — each as {@code event: <type>} and a {@code data:} line, no
 * {@code [DONE]}. Usage goes in both {@code billed_units} and {@code tokens}. Directed failures
 * answer Cohere's error shape {@code {"id", "message"}}.
 */
final class SimulatorCohere {

    private final Vertx vertx;
    private final SimulatorEngine engine;
    private final Runnable abandoned;

    SimulatorCohere(Vertx vertx, SimulatorEngine engine, String apiKey, Runnable abandoned) {
        this.vertx = vertx;
        this.engine = engine;
        this.abandoned = abandoned;
    }

    void mount(Router router) {
        router.post("/v2/chat").handler(this::chat);
    }

    private void chat(RoutingContext ctx) {
        ChatRequest request = decode(parse(ctx));
        SimDirectives d = SimDirectives.read(ctx.request()::getHeader, request.lastMessage().text());
        HttpServerResponse resp = ctx.response();
        if (d.status() >= 400) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> {
                if (d.retryAfter() > 0) resp.putHeader("retry-after", Integer.toString(d.retryAfter()));
                resp.setStatusCode(d.status()).putHeader("content-type", "application/json").end(Json.buffer(
                        Json.object().put("id", "sim-error").put("message", "Simulated failure with status " + d.status())));
            });
            return;
        }
        if (!request.stream()) {
            PacedEventSource.delayed(vertx, d.latencyMs(), () -> resp.putHeader("content-type", "application/json")
                    .end(Json.buffer(response(engine.response(request)))));
            return;
        }
        PacedEventSource<StreamEvent> events = new PacedEventSource<>(vertx, engine.events(request), d, null);
        resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        resp.closeHandler(v -> {
            abandoned.run();
            events.cancel();
        });
        StreamEncoder encoder = new StreamEncoder(resp);
        events.start(new EventSource.EventSink<>() {
            @Override
            public void onEvent(StreamEvent event) {
                encoder.encode(event);
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

    /** A v2 Chat body as a canonical request; only what the engine reads (and its token formula counts) matters. */
    static ChatRequest decode(JsonNode root) {
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : root.path("messages")) {
            String role = String.valueOf(Json.str(m, "role"));
            List<ContentPart> parts = new ArrayList<>(text(m.get("content")));
            switch (role) {
                case "system" -> messages.add(new Message(Role.SYSTEM, parts, null));
                case "user" -> messages.add(new Message(Role.USER, parts, null));
                case "assistant" -> {
                    for (JsonNode c : m.path("tool_calls")) {
                        parts.add(new ContentPart.ToolCall(Json.str(c, "id"), Json.str(c.path("function"), "name"),
                                Json.str(c.path("function"), "arguments")));
                    }
                    messages.add(new Message(Role.ASSISTANT, parts, null));
                }
                case "tool" -> messages.add(new Message(Role.TOOL,
                        List.of(new ContentPart.ToolResult(Json.str(m, "tool_call_id"), parts, false)), null));
                default -> throw GatewayError.invalid("messages", "invalid role: " + role);
            }
        }
        if (messages.isEmpty()) throw GatewayError.invalid("messages", "messages must not be empty");
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : root.path("tools")) {
            JsonNode f = t.path("function");
            tools.add(new Tool(Json.str(f, "name"), Json.str(f, "description"), f.get("parameters"), null));
        }
        ToolChoice choice = switch (String.valueOf(Json.str(root, "tool_choice"))) {
            case "REQUIRED" -> ToolChoice.REQUIRED;
            case "NONE" -> ToolChoice.NONE;
            default -> null;
        };
        JsonNode rf = root.get("response_format");
        ResponseFormat format = rf == null || !"json_object".equals(Json.str(rf, "type")) ? null
                : rf.has("json_schema") ? new ResponseFormat.JsonSchema(null, rf.get("json_schema"), null) : new ResponseFormat.JsonObject();
        List<String> stop = new ArrayList<>();
        root.path("stop_sequences").forEach(s -> stop.add(s.asText()));
        GenerationParams params = new GenerationParams(number(root, "temperature"), number(root, "p"),
                root.has("max_tokens") ? root.get("max_tokens").asInt() : null, stop,
                root.has("seed") ? root.get("seed").asLong() : null, null,
                number(root, "presence_penalty"), number(root, "frequency_penalty"), null);
        return new ChatRequest(Json.str(root, "model"), messages, tools, choice, null, params, format,
                root.path("stream").asBoolean(false), true, null);
    }

    private static List<ContentPart> text(JsonNode content) {
        if (content == null || content.isNull()) return List.of();
        if (content.isTextual()) return List.of(new ContentPart.Text(content.textValue()));
        List<ContentPart> out = new ArrayList<>();
        for (JsonNode p : content) {
            if ("text".equals(Json.str(p, "type"))) out.add(new ContentPart.Text(p.path("text").asText("")));
        }
        return out;
    }

    private static Double number(JsonNode root, String field) {
        return root.hasNonNull(field) ? root.get(field).asDouble() : null;
    }

    static ObjectNode response(ChatResponse r) {
        ChatResponse.Choice choice = r.choices().getFirst();
        ObjectNode out = Json.object().put("id", r.id());
        ObjectNode message = out.putObject("message").put("role", "assistant");
        ArrayNode content = Json.NODES.arrayNode();
        ArrayNode calls = Json.NODES.arrayNode();
        for (ContentPart p : choice.message().content()) {
            if (p instanceof ContentPart.Text t) content.addObject().put("type", "text").put("text", t.text());
            if (p instanceof ContentPart.ToolCall c) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (!calls.isEmpty()) {
            message.put("tool_plan", "I will call " + calls.get(0).path("function").path("name").asText() + ".");
            message.set("tool_calls", calls);
        }
        if (!content.isEmpty()) message.set("content", content);
        out.put("finish_reason", finishReason(choice.finishReason()));
        out.set("usage", usage(r.usage()));
        return out;
    }

    static String finishReason(FinishReason f) {
        return switch (f) {
            case STOP -> "COMPLETE";
            case LENGTH -> "MAX_TOKENS";
            case TOOL_CALLS -> "TOOL_CALL";
            case CONTENT_FILTER -> "ERROR_TOXIC";
            case ERROR -> "ERROR";
        };
    }

    static ObjectNode usage(Usage u) {
        ObjectNode out = Json.object();
        out.putObject("billed_units").put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens());
        out.putObject("tokens").put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens());
        return out;
    }

    private static JsonNode parse(RoutingContext ctx) {
        try {
            return Json.parse(ctx.body().buffer().getBytes());
        } catch (IOException | NullPointerException e) {
            throw GatewayError.invalid(null, "invalid request: the body is not valid JSON");
        }
    }

    /** Canonical events of choice 0 as Cohere's SSE events; the finish waits for the usage, as both go in {@code message-end}. */
    private static final class StreamEncoder {
        private final HttpServerResponse resp;
        private boolean textOpen;
        private int openTool = -1;
        private FinishReason finish;

        StreamEncoder(HttpServerResponse resp) {
            this.resp = resp;
        }

        void encode(StreamEvent event) {
            switch (event) {
                case StreamEvent.Start s -> {
                    ObjectNode e = event("message-start").put("id", s.id());
                    e.putObject("delta").putObject("message").put("role", "assistant");
                    write(e);
                }
                case StreamEvent.TextDelta t when t.choice() == 0 -> {
                    if (!textOpen) {
                        textOpen = true;
                        ObjectNode e = event("content-start").put("index", 0);
                        e.putObject("delta").putObject("message").putObject("content").put("type", "text").put("text", "");
                        write(e);
                    }
                    ObjectNode e = event("content-delta").put("index", 0);
                    e.putObject("delta").putObject("message").putObject("content").put("text", t.text());
                    write(e);
                }
                case StreamEvent.ToolCallStart c when c.choice() == 0 -> {
                    closeOpen();
                    if (c.index() == 0) {
                        ObjectNode plan = event("tool-plan-delta");
                        plan.putObject("delta").putObject("message").put("tool_plan", "I will call " + c.name() + ".");
                        write(plan);
                    }
                    openTool = c.index();
                    ObjectNode e = event("tool-call-start").put("index", c.index());
                    ObjectNode call = e.putObject("delta").putObject("message").putObject("tool_calls").put("id", c.id()).put("type", "function");
                    call.putObject("function").put("name", c.name()).put("arguments", "");
                    write(e);
                }
                case StreamEvent.ToolCallDelta c when c.choice() == 0 -> {
                    ObjectNode e = event("tool-call-delta").put("index", c.index());
                    e.putObject("delta").putObject("message").putObject("tool_calls").putObject("function").put("arguments", c.argumentsFragment());
                    write(e);
                }
                case StreamEvent.Finish f when f.choice() == 0 -> {
                    closeOpen();
                    finish = f.reason();
                }
                case StreamEvent.UsageReport u -> {
                    ObjectNode e = event("message-end");
                    ObjectNode delta = e.putObject("delta").put("finish_reason", finishReason(finish == null ? FinishReason.STOP : finish));
                    delta.set("usage", usage(u.usage()));
                    write(e);
                }
                default -> { } // other choices: Cohere answers one
            }
        }

        private void closeOpen() {
            if (textOpen) {
                textOpen = false;
                write(event("content-end").put("index", 0));
            }
            if (openTool >= 0) {
                write(event("tool-call-end").put("index", openTool));
                openTool = -1;
            }
        }

        private static ObjectNode event(String type) {
            return Json.object().put("type", type);
        }

        private void write(ObjectNode e) {
            resp.write(Buffer.buffer("event: " + e.get("type").textValue() + "\ndata: ").appendBuffer(Json.buffer(e)).appendString("\n\n"));
        }
    }
}
