package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Encodes a canonical {@link ChatRequest} as an Anthropic Messages request body. The rules (also
 * in docs/providers.md):
 * <ul>
 *   <li>System and developer messages, wherever they stand, become the top-level {@code system}:
 *       a string when there is one text, else a list of text blocks in order.</li>
 *   <li>Tool results become {@code tool_result} blocks of a user turn; consecutive turns of one
 *       role are merged into one, because Anthropic requires user and assistant to alternate, and
 *       inside a user turn the tool results come first, as Anthropic requires. A turn of a single
 *       text block is sent as a plain string.</li>
 *   <li>Images go as {@code base64} or {@code url} sources, PDFs as {@code document} blocks, tool
 *       calls as {@code tool_use} with their arguments parsed into the {@code input} object,
 *       reasoning with a signature as {@code thinking} (signature kept verbatim) or, when redacted,
 *       as {@code redacted_thinking}. Thought text whose signature follows as a reasoning part of
 *       its own (how a Gemini client returns what it was shown) is one {@code thinking} block again.
 *       Reasoning without a signature cannot be replayed to Anthropic and is left out; empty
 *       texts are left out (Anthropic refuses them).</li>
 *   <li>{@code max_tokens} is required: the request's, else {@value #DEFAULT_MAX_TOKENS}.</li>
 *   <li>{@code reasoning_effort} enables thinking with a budget: minimal and low
 *       {@value #LOW_BUDGET}, medium {@value #MEDIUM_BUDGET}, high {@value #HIGH_BUDGET} tokens;
 *       none leaves it off. Without a client {@code max_tokens} the default grows by the budget;
 *       with one, the budget is cut to {@code max_tokens - 1}, and below Anthropic's minimum of
 *       {@value #MIN_BUDGET} thinking is unsupported for the request.</li>
 *   <li>{@code response_format} json_schema becomes {@code output_config.format}. JSON mode
 *       without a schema ({@code json_object}, or json_schema with none) has no Anthropic form —
 *       structured outputs need a closed schema — so the answer is asked for through the
 *       {@link JsonAnswerTool} with any object as its schema ({@link #answersThroughTool}). The tool is forced, or with
 *       tools of the client's own one of them is ({@code any}); with thinking, which Anthropic
 *       allows only beside {@code auto}, it is offered. When the client requires a tool call of
 *       its own the answer is that call and JSON mode has nothing to do.</li>
 *   <li>{@code n > 1}, {@code seed}, the penalties, audio and non-PDF files have no Anthropic
 *       equivalent: dropped, or refused with 400 {@code unsupported_parameter} under the
 *       {@code reject} policy.</li>
 * </ul>
 * Created per request and not thread-safe; encoding the same request twice gives the same body.
 */
public final class AnthropicRequestEncoder {

    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final int MIN_BUDGET = 1024;
    public static final int LOW_BUDGET = 1024;
    public static final int MEDIUM_BUDGET = 4096;
    public static final int HIGH_BUDGET = 16384;

    private final String upstreamModel;
    private final boolean rejectUnsupported;

    /** A turn being built: its Anthropic role and its blocks. */
    private record Turn(String role, ArrayNode blocks) {}

    public AnthropicRequestEncoder(String upstreamModel, boolean rejectUnsupported) {
        this.upstreamModel = upstreamModel;
        this.rejectUnsupported = rejectUnsupported;
    }

    /** @throws GatewayError for an unsupported parameter under the reject policy, or tool arguments that are not a JSON object */
    public ObjectNode encode(ChatRequest r) {
        GenerationParams p = r.params();
        ObjectNode out = Json.object();
        out.put("model", upstreamModel);
        Integer budget = thinkingBudget(p);
        int maxTokens = p.maxTokens() != null ? p.maxTokens() : DEFAULT_MAX_TOKENS + (budget == null ? 0 : budget);
        if (budget != null && p.maxTokens() != null) {
            budget = Math.min(budget, maxTokens - 1);
            if (budget < MIN_BUDGET) {
                unsupported("reasoning_effort", "thinking needs max_tokens above " + MIN_BUDGET);
                budget = null;
            }
        }
        out.put("max_tokens", maxTokens);
        ArrayNode system = Json.NODES.arrayNode();
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < r.messages().size(); i++) {
            Message m = r.messages().get(i);
            String at = "messages[" + i + "]";
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> systemBlocks(m, at, system);
                case USER -> add(turns, "user", userBlocks(m.content(), at));
                case ASSISTANT -> add(turns, "assistant", assistantBlocks(m.content(), at));
                case TOOL -> add(turns, "user", userBlocks(m.content(), at));
            }
        }
        if (turns.isEmpty() && !system.isEmpty()) {
            // a conversation of system messages alone, which OpenAI answers: Anthropic needs a turn to answer
            turns.add(new Turn("user", system));
            system = Json.NODES.arrayNode();
        }
        if (system.size() == 1) out.put("system", system.get(0).get("text").textValue());
        else if (!system.isEmpty()) out.set("system", system);
        ArrayNode messages = out.putArray("messages");
        for (Turn t : turns) messages.add(message(t));
        if (budget != null && toolTurnWithoutThinking(turns)) {
            // Anthropic refuses thinking when the assistant turn of a tool loop does not begin with its
            // signed thinking block, which a client of another format may not have kept: under the
            // drop policy the request is answered without thinking rather than refused
            unsupported("reasoning_effort", "the last assistant tool call is sent back without its signed thinking block");
            budget = null;
            if (p.maxTokens() == null) out.put("max_tokens", DEFAULT_MAX_TOKENS);
        }
        tools(r, budget != null, out);
        if (budget != null) out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        responseFormat(r.responseFormat(), out);
        if (!p.stop().isEmpty()) {
            ArrayNode stop = out.putArray("stop_sequences");
            p.stop().forEach(stop::add);
        }
        if (p.temperature() != null) out.put("temperature", p.temperature());
        if (p.topP() != null) out.put("top_p", p.topP());
        if (p.n() != null && p.n() > 1) unsupported("n", "one choice per request");
        if (p.seed() != null) unsupported("seed", null);
        if (p.presencePenalty() != null) unsupported("presence_penalty", null);
        if (p.frequencyPenalty() != null) unsupported("frequency_penalty", null);
        if (r.user() != null) out.putObject("metadata").put("user_id", r.user());
        if (r.stream()) out.put("stream", true);
        return out;
    }

    /** The thinking budget the effort asks for, or null for no thinking. */
    private Integer thinkingBudget(GenerationParams p) {
        String effort = p.reasoningEffort();
        if (effort == null) return null;
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "none" -> null;
            case "minimal", "low" -> LOW_BUDGET;
            case "medium" -> MEDIUM_BUDGET;
            case "high" -> HIGH_BUDGET;
            default -> throw GatewayError.invalid("reasoning_effort",
                    "Invalid 'reasoning_effort': '" + effort + "' (none, minimal, low, medium or high).");
        };
    }

    private void systemBlocks(Message m, String at, ArrayNode system) {
        for (int j = 0; j < m.content().size(); j++) {
            if (m.content().get(j) instanceof ContentPart.Text t) {
                if (!t.text().isEmpty()) system.addObject().put("type", "text").put("text", t.text());
            } else {
                unsupported(at + ".content[" + j + "]", "only text in system messages");
            }
        }
    }

    private ArrayNode userBlocks(List<ContentPart> parts, String at) {
        ArrayNode blocks = Json.NODES.arrayNode();
        for (int j = 0; j < parts.size(); j++) {
            String where = at + ".content[" + j + "]";
            switch (parts.get(j)) {
                case ContentPart.ToolResult tr -> {
                    ObjectNode b = blocks.addObject().put("type", "tool_result").put("tool_use_id", tr.toolCallId());
                    ArrayNode content = userBlocks(tr.content(), where);
                    if (content.size() == 1 && "text".equals(Json.str(content.get(0), "type"))) {
                        b.put("content", content.get(0).get("text").textValue());
                    } else if (!content.isEmpty()) {
                        b.set("content", content);
                    }
                    if (tr.isError()) b.put("is_error", true);
                }
                default -> common(parts.get(j), where, blocks);
            }
        }
        return blocks;
    }

    private ArrayNode assistantBlocks(List<ContentPart> parts, String at) {
        ArrayNode blocks = Json.NODES.arrayNode();
        for (int j = 0; j < parts.size(); j++) {
            String where = at + ".content[" + j + "]";
            switch (parts.get(j)) {
                case ContentPart.ToolCall c -> blocks.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                        .set("input", input(c.arguments(), at + ".tool_calls"));
                case ContentPart.Reasoning rs when rs.redacted() && rs.signature() != null ->
                        blocks.addObject().put("type", "redacted_thinking").put("data", rs.signature());
                case ContentPart.Reasoning rs when !rs.redacted() && rs.signature() != null ->
                        blocks.addObject().put("type", "thinking").put("thinking", rs.text() == null ? "" : rs.text())
                                .put("signature", rs.signature());
                case ContentPart.Reasoning rs when !rs.redacted() -> {
                    // thought text whose signature follows on its own, as a Gemini client returns a thinking
                    // block it was shown (the signature rides on the part after the thought): one block again
                    StringBuilder text = new StringBuilder(rs.text() == null ? "" : rs.text());
                    int k = j + 1;
                    while (k < parts.size() && parts.get(k) instanceof ContentPart.Reasoning more && !more.redacted() && more.signature() == null) {
                        if (more.text() != null) text.append(more.text());
                        k++;
                    }
                    if (k < parts.size() && parts.get(k) instanceof ContentPart.Reasoning signed && !signed.redacted()
                            && signed.signature() != null && (signed.text() == null || signed.text().isEmpty())) {
                        blocks.addObject().put("type", "thinking").put("thinking", text.toString()).put("signature", signed.signature());
                        j = k;
                    }
                    // else no signature: Anthropic cannot verify it, so it cannot go back
                }
                case ContentPart.Reasoning rs -> { }
                default -> common(parts.get(j), where, blocks);
            }
        }
        return blocks;
    }

    /** Text, images and documents, as user, assistant and tool-result content take them. */
    private void common(ContentPart part, String where, ArrayNode blocks) {
        switch (part) {
            case ContentPart.Text t -> {
                if (!t.text().isEmpty()) blocks.addObject().put("type", "text").put("text", t.text());
            }
            case ContentPart.Image img -> {
                ObjectNode source = blocks.addObject().put("type", "image").putObject("source");
                if (img.data() != null) {
                    source.put("type", "base64").put("media_type", img.mediaType() == null ? "image/png" : img.mediaType())
                            .put("data", img.data());
                } else {
                    source.put("type", "url").put("url", img.url());
                }
            }
            case ContentPart.File f when "application/pdf".equals(f.mediaType()) && f.data() != null -> blocks.addObject()
                    .put("type", "document").putObject("source").put("type", "base64").put("media_type", "application/pdf")
                    .put("data", f.data());
            case ContentPart.File f -> unsupported(where, "files other than inline PDFs");
            case ContentPart.Audio a -> unsupported(where, "audio input");
            default -> unsupported(where, null);
        }
    }

    /** Tool-call arguments as the object Anthropic's {@code input} must be; empty arguments are {@code {}}. */
    private static JsonNode input(String arguments, String param) {
        if (arguments == null || arguments.isBlank()) return Json.object();
        try {
            JsonNode v = Json.parse(arguments);
            if (v.isObject()) return v;
        } catch (IOException e) {
            // refused below
        }
        throw GatewayError.invalid(param, "Tool call arguments must be a JSON object to be sent to this provider.");
    }

    /** The last assistant turn calls a tool and does not begin with a thinking block. */
    private static boolean toolTurnWithoutThinking(List<Turn> turns) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            Turn t = turns.get(i);
            if (!t.role().equals("assistant")) continue;
            boolean calls = false;
            for (JsonNode b : t.blocks()) calls |= "tool_use".equals(Json.str(b, "type"));
            String first = Json.str(t.blocks().get(0), "type");
            return calls && !"thinking".equals(first) && !"redacted_thinking".equals(first);
        }
        return false;
    }

    private static void add(List<Turn> turns, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) return;
        if (!turns.isEmpty() && turns.getLast().role().equals(role)) turns.getLast().blocks().addAll(blocks);
        else turns.add(new Turn(role, blocks));
    }

    private static ObjectNode message(Turn t) {
        ObjectNode m = Json.object().put("role", t.role());
        ArrayNode blocks = t.blocks();
        if (t.role().equals("user")) {
            ArrayNode ordered = Json.NODES.arrayNode();
            for (JsonNode b : blocks) if ("tool_result".equals(Json.str(b, "type"))) ordered.add(b);
            for (JsonNode b : blocks) if (!"tool_result".equals(Json.str(b, "type"))) ordered.add(b);
            blocks = ordered;
        }
        if (blocks.size() == 1 && "text".equals(Json.str(blocks.get(0), "type"))) m.put("content", blocks.get(0).get("text").textValue());
        else m.set("content", blocks);
        return m;
    }

    /**
     * Whether the answer to {@code r} is asked for through the {@link JsonAnswerTool}: JSON mode
     * without a schema, unless the client requires a tool call of its own.
     */
    public static boolean answersThroughTool(ChatRequest r) {
        return JsonAnswerTool.schemaless(r) && JsonAnswerTool.schema(r) != null;
    }

    private void tools(ChatRequest r, boolean thinking, ObjectNode out) {
        boolean jsonAnswer = answersThroughTool(r);
        if (r.tools().isEmpty() && !jsonAnswer) return;
        ArrayNode tools = out.putArray("tools");
        for (Tool t : r.tools()) {
            ObjectNode o = tools.addObject().put("name", t.name());
            if (t.description() != null) o.put("description", t.description());
            o.set("input_schema", t.parameters() != null ? t.parameters() : Json.object().put("type", "object"));
            if (Boolean.TRUE.equals(t.strict())) o.put("strict", true);
        }
        boolean serial = Boolean.FALSE.equals(r.parallelToolCalls());
        ToolChoice choice = r.toolChoice();
        if (jsonAnswer) {
            tools.addObject().put("name", JsonAnswerTool.NAME).put("description", JsonAnswerTool.DESCRIPTION)
                    .set("input_schema", JsonAnswerTool.schema(r));
            ObjectNode c = out.putObject("tool_choice");
            if (thinking) c.put("type", "auto");
            else if (r.tools().isEmpty() || choice instanceof ToolChoice.None) c.put("type", "tool").put("name", JsonAnswerTool.NAME);
            else c.put("type", "any");
            if (serial || r.tools().isEmpty()) c.put("disable_parallel_tool_use", true);
            return;
        }
        if (choice == null && !serial) return;
        ObjectNode c = out.putObject("tool_choice");
        switch (choice == null ? ToolChoice.AUTO : choice) {
            case ToolChoice.Auto a -> c.put("type", "auto");
            case ToolChoice.Required q -> c.put("type", "any");
            case ToolChoice.Named n -> c.put("type", "tool").put("name", n.name());
            case ToolChoice.None n -> c.put("type", "none");
        }
        if (serial && !(choice instanceof ToolChoice.None)) c.put("disable_parallel_tool_use", true);
    }

    private void responseFormat(ResponseFormat f, ObjectNode out) {
        switch (f) {
            case ResponseFormat.JsonSchema s when s.schema() != null -> out.putObject("output_config").putObject("format").put("type", "json_schema")
                    .set("schema", s.schema());
            case null, default -> { } // JSON mode without a schema goes through the answer tool (tools)
        }
    }

    /** Drops what Anthropic cannot take, or refuses the request under the reject policy. */
    private void unsupported(String param, String why) {
        if (!rejectUnsupported) return;
        throw new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter '" + param + "' is not supported by provider anthropic"
                + (why == null ? "." : " (" + why + ")."), param, -1, false);
    }
}
