package dev.switchboard.provider.cohere;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a canonical {@link ChatRequest} as a Cohere v2 Chat body ({@code POST /v2/chat}). The
 * rules (also in docs/providers.md):
 * <ul>
 *   <li>System and developer messages stay where they stand as {@code system} messages.</li>
 *   <li>A user turn of one text is a plain string; otherwise a list of {@code text} and
 *       {@code image_url} parts (inline images as {@code data:} URLs).</li>
 *   <li>An assistant turn carries its text as {@code content} and its tool calls as
 *       {@code tool_calls} ({@code id}, {@code type: function}, {@code function{name, arguments}}
 *       with the arguments as the JSON text exactly as produced). Reasoning parts are left out:
 *       Cohere has no way to replay them.</li>
 *   <li>Each tool result becomes its own {@code tool} message ({@code tool_call_id}, text
 *       {@code content}), wherever the canonical request put it (a tool turn, or a user turn
 *       from an Anthropic client: there the results go first, then the user's own parts).</li>
 *   <li>Tools become {@code {type: function, function{name, description, parameters}}};
 *       {@code strict} on any tool sets {@code strict_tools}. {@code tool_choice} auto is omitted,
 *       required is {@code REQUIRED}, none is {@code NONE}.</li>
 *   <li>{@code response_format} json_object is {@code {type: json_object}}, json_schema adds
 *       {@code json_schema}. {@code top_p} is {@code p}, {@code stop} is {@code stop_sequences};
 *       {@code temperature}, {@code max_tokens}, {@code seed} and the penalties keep their names.</li>
 *   <li>No Cohere equivalent: a named {@code tool_choice}, {@code parallel_tool_calls: false},
 *       {@code n > 1}, {@code reasoning_effort}, audio, files, and images outside user turns —
 *       dropped, or refused with 400 {@code unsupported_parameter} under the {@code reject}
 *       policy. {@code user} is metadata with no Cohere field and is dropped silently.</li>
 * </ul>
 * Created per request and not thread-safe; encoding the same request twice gives the same body.
 */
public final class CohereRequestEncoder {

    private final String upstreamModel;
    private final boolean rejectUnsupported;

    public CohereRequestEncoder(String upstreamModel, boolean rejectUnsupported) {
        this.upstreamModel = upstreamModel;
        this.rejectUnsupported = rejectUnsupported;
    }

    /** @throws GatewayError for an unsupported parameter under the reject policy */
    public ObjectNode encode(ChatRequest r) {
        ObjectNode out = Json.object();
        out.put("model", upstreamModel);
        ArrayNode messages = out.putArray("messages");
        for (int i = 0; i < r.messages().size(); i++) {
            Message m = r.messages().get(i);
            String at = "messages[" + i + "]";
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> messages.addObject().put("role", "system").put("content", m.text());
                case USER, TOOL -> user(m, at, messages);
                case ASSISTANT -> assistant(m, at, messages);
            }
        }
        tools(r, out);
        responseFormat(r.responseFormat(), out);
        params(r.params(), out);
        if (r.stream()) out.put("stream", true);
        return out;
    }

    /** Tool results first, each its own tool message; then the user's own parts, if any. */
    private void user(Message m, String at, ArrayNode messages) {
        List<ContentPart> own = new ArrayList<>();
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.ToolResult t) toolResult(t, at, messages);
            else own.add(p);
        }
        if (own.isEmpty()) return;
        ArrayNode parts = Json.NODES.arrayNode();
        for (ContentPart p : own) {
            switch (p) {
                case ContentPart.Text t -> parts.addObject().put("type", "text").put("text", t.text());
                case ContentPart.Image img -> parts.addObject().put("type", "image_url").putObject("image_url").put("url", url(img));
                case ContentPart.Audio a -> unsupported(at + ".content", "audio");
                case ContentPart.File f -> unsupported(at + ".content", "files");
                default -> { } // reasoning and tool calls have no place in a user turn
            }
        }
        if (parts.isEmpty()) return;
        ObjectNode msg = messages.addObject().put("role", "user");
        if (parts.size() == 1 && "text".equals(Json.str(parts.get(0), "type"))) msg.put("content", parts.get(0).get("text").textValue());
        else msg.set("content", parts);
    }

    private void toolResult(ContentPart.ToolResult t, String at, ArrayNode messages) {
        StringBuilder text = new StringBuilder();
        for (ContentPart c : t.content()) {
            if (c instanceof ContentPart.Text x) text.append(x.text());
            else unsupported(at + ".content", "only text in tool results");
        }
        messages.addObject().put("role", "tool").put("tool_call_id", t.toolCallId()).put("content", text.toString());
    }

    private void assistant(Message m, String at, ArrayNode messages) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (ContentPart p : m.content()) {
            switch (p) {
                case ContentPart.Text t -> text.append(t.text());
                case ContentPart.ToolCall c -> {
                    ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                    call.putObject("function").put("name", c.name())
                            .put("arguments", c.arguments() == null || c.arguments().isBlank() ? "{}" : c.arguments());
                }
                case ContentPart.Reasoning r -> { } // no replay form at Cohere
                default -> unsupported(at + ".content", "only text and tool calls in assistant turns");
            }
        }
        if (text.isEmpty() && calls.isEmpty()) return;
        ObjectNode msg = messages.addObject().put("role", "assistant");
        if (!text.isEmpty()) msg.put("content", text.toString());
        if (!calls.isEmpty()) msg.set("tool_calls", calls);
    }

    private static String url(ContentPart.Image img) {
        if (img.data() != null) return "data:" + (img.mediaType() != null ? img.mediaType() : "image/png") + ";base64," + img.data();
        return img.url();
    }

    private void tools(ChatRequest r, ObjectNode out) {
        if (r.tools().isEmpty()) return;
        ArrayNode tools = out.putArray("tools");
        boolean strict = false;
        for (Tool t : r.tools()) {
            ObjectNode f = tools.addObject().put("type", "function").putObject("function").put("name", t.name());
            if (t.description() != null) f.put("description", t.description());
            f.set("parameters", t.parameters() != null ? t.parameters() : Json.object().put("type", "object"));
            strict |= Boolean.TRUE.equals(t.strict());
        }
        if (strict) out.put("strict_tools", true);
        if (Boolean.FALSE.equals(r.parallelToolCalls())) unsupported("parallel_tool_calls", null);
        switch (r.toolChoice()) {
            case ToolChoice.Required q -> out.put("tool_choice", "REQUIRED");
            case ToolChoice.None n -> out.put("tool_choice", "NONE");
            case ToolChoice.Named n -> unsupported("tool_choice", "a named tool; use required");
            case null, default -> { }
        }
    }

    private void responseFormat(ResponseFormat f, ObjectNode out) {
        switch (f) {
            case ResponseFormat.JsonObject o -> out.putObject("response_format").put("type", "json_object");
            case ResponseFormat.JsonSchema s -> {
                ObjectNode rf = out.putObject("response_format").put("type", "json_object");
                if (s.schema() != null) rf.set("json_schema", s.schema());
            }
            case null, default -> { }
        }
    }

    private void params(GenerationParams p, ObjectNode out) {
        if (p.temperature() != null) out.put("temperature", p.temperature());
        if (p.topP() != null) out.put("p", p.topP());
        if (p.maxTokens() != null) out.put("max_tokens", p.maxTokens());
        if (!p.stop().isEmpty()) {
            ArrayNode stop = out.putArray("stop_sequences");
            p.stop().forEach(stop::add);
        }
        if (p.seed() != null) out.put("seed", p.seed());
        if (p.frequencyPenalty() != null) out.put("frequency_penalty", p.frequencyPenalty());
        if (p.presencePenalty() != null) out.put("presence_penalty", p.presencePenalty());
        if (p.n() != null && p.n() > 1) unsupported("n", "one choice per request");
        if (p.reasoningEffort() != null) unsupported("reasoning_effort", null);
    }

    /** Drops what Cohere cannot take, or refuses the request under the reject policy. */
    private void unsupported(String param, String why) {
        if (!rejectUnsupported) return;
        throw new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter '" + param + "' is not supported by provider cohere"
                + (why == null ? "." : " (" + why + ")."), param, -1, false);
    }
}
