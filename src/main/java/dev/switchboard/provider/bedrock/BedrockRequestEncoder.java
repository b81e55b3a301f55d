package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ReasoningBudget;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.provider.JsonAnswerTool;
import dev.switchboard.transport.Json;
import java.io.IOException;
import java.util.Locale;

/**
 * Encodes a canonical request as a Bedrock Converse body (the model goes in the URL).
 * System and developer messages become {@code system} text blocks, wherever they stand. User and
 * assistant turns become {@code messages}; tool messages become {@code toolResult} blocks of a
 * user turn ({@code status: error} for a failed call); consecutive turns of the same role are
 * merged, since Converse wants them alternating. Content: text; an inline image (base64 or a
 * {@code data:} URL) as {@code image} with its format ({@code png}, {@code jpeg}, {@code gif},
 * {@code webp}) and {@code source.bytes}; an inline PDF or text file as {@code document}; a tool
 * call as {@code toolUse} with its arguments parsed to JSON ({@code input}); reasoning as
 * {@code reasoningContent.reasoningText} with its signature untouched (redacted reasoning as
 * {@code redactedContent}). An image by http(s) URL cannot be sent: Converse takes bytes only.
 *
 * <p>Parameters: {@code inferenceConfig} ({@code maxTokens}, {@code temperature}, {@code topP},
 * {@code stopSequences}); tools as {@code toolConfig.tools[].toolSpec} with
 * {@code inputSchema.json}; tool choice auto → {@code {auto:{}}}, required → {@code {any:{}}},
 * named → {@code {tool:{name}}}; none has no Converse form, so no choice is sent. A reasoning
 * effort becomes {@code additionalModelRequestFields.thinking} ({@code budget_tokens} by
 * {@link ReasoningBudget}, the Anthropic-on-Bedrock form). {@code seed}, {@code n} above 1,
 * the penalties, {@code parallel_tool_calls} and {@code user} have no Converse field: dropped,
 * or refused with the {@code reject} policy.
 *
 * <p>JSON mode: Converse has none, so {@code response_format} (json_object, json_schema) is asked
 * for through the {@link JsonAnswerTool}, whose input schema is the answer's schema, on the models
 * that take a forced tool choice ({@link #forcesTools}: Claude and Nova): forced, or {@code any}
 * beside the client's own tools, or offered under thinking, which allows only {@code auto}. On
 * other models it is unsupported. A client that requires a tool call of its own gets that call.
 */
public final class BedrockRequestEncoder {

    private BedrockRequestEncoder() {}

    /** Whether the answer to {@code r} from {@code modelId} is asked for through the {@link JsonAnswerTool}. */
    public static boolean answersThroughTool(ChatRequest r, String modelId) {
        return forcesTools(modelId) && JsonAnswerTool.schema(r) != null;
    }

    /**
     * Whether the model takes a forced tool choice ({@code toolChoice.tool}): Converse documents it
     * for Anthropic's Claude and Amazon's Nova models, by plain id, inference profile or ARN.
     */
    static boolean forcesTools(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        return id.contains("anthropic.") || id.contains("claude") || id.contains("amazon.nova") || id.contains(".nova-");
    }

    public static ObjectNode encode(ChatRequest r, String modelId, boolean rejectUnsupported) {
        GenerationParams p = r.params();
        boolean jsonAnswer = answersThroughTool(r, modelId);
        if (rejectUnsupported) {
            if (p.seed() != null) throw unsupported("seed");
            if (p.n() != null && p.n() > 1) throw unsupported("n");
            if (p.presencePenalty() != null) throw unsupported("presence_penalty");
            if (p.frequencyPenalty() != null) throw unsupported("frequency_penalty");
            if (JsonAnswerTool.schema(r) != null && !jsonAnswer) throw unsupported("response_format");
            if (r.parallelToolCalls() != null) throw unsupported("parallel_tool_calls");
            if (r.user() != null) throw unsupported("user");
        }
        ObjectNode body = Json.object();
        ArrayNode messages = body.putArray("messages");
        ArrayNode system = null;
        String lastRole = null;
        ArrayNode turn = null;
        for (int i = 0; i < r.messages().size(); i++) {
            Message m = r.messages().get(i);
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) {
                if (system == null) system = Json.NODES.arrayNode();
                for (ContentPart c : m.content()) if (c instanceof ContentPart.Text t) system.addObject().put("text", t.text());
                continue;
            }
            String role = m.role() == Role.ASSISTANT ? "assistant" : "user";
            if (!role.equals(lastRole)) {
                ObjectNode msg = messages.addObject().put("role", role);
                turn = msg.putArray("content");
                lastRole = role;
            }
            String at = "messages[" + i + "]";
            if (m.role() == Role.TOOL) {
                for (ContentPart c : m.content()) {
                    if (c instanceof ContentPart.ToolResult res) turn.add(toolResult(res.toolCallId(), res.content(), res.isError(), at));
                }
                if (m.content().stream().noneMatch(ContentPart.ToolResult.class::isInstance)) {
                    throw GatewayError.invalid(at + ".tool_call_id", "A tool message needs the id of the call it answers.");
                }
                continue;
            }
            for (ContentPart c : m.content()) block(c, turn, at);
        }
        for (com.fasterxml.jackson.databind.JsonNode msg : messages) {
            ArrayNode content = (ArrayNode) msg.get("content");
            if (content.isEmpty()) content.addObject().put("text", " ");
        }
        if (system != null && messages.isEmpty()) {
            // a conversation of system messages alone, which OpenAI answers: Converse needs a turn to answer
            messages.addObject().put("role", "user").set("content", system);
        } else if (system != null) {
            body.set("system", system);
        }
        ObjectNode inference = Json.object();
        if (p.maxTokens() != null) inference.put("maxTokens", p.maxTokens());
        if (p.temperature() != null) inference.put("temperature", p.temperature());
        if (p.topP() != null) inference.put("topP", p.topP());
        if (!p.stop().isEmpty()) {
            ArrayNode stop = inference.putArray("stopSequences");
            p.stop().forEach(stop::add);
        }
        if (!inference.isEmpty()) body.set("inferenceConfig", inference);
        Integer budget = p.reasoningEffort() == null || p.reasoningEffort().equalsIgnoreCase("none") ? null
                : ReasoningBudget.budgetFor(p.reasoningEffort());
        // thinking is Anthropic's field: Converse hands additionalModelRequestFields to the model as
        // they are, and another model refuses the key
        if (budget != null && !thinks(modelId)) {
            if (rejectUnsupported) throw unsupported("reasoning_effort");
            budget = null;
        }
        // as on Anthropic's own API: thinking is refused when the assistant turn of a tool loop does not
        // begin with its signed reasoning, which a client of another format may not have kept
        if (budget != null && toolTurnWithoutSignedReasoning(messages)) {
            if (rejectUnsupported) throw unsupported("reasoning_effort");
            budget = null;
        }
        // tool_choice none has no Converse form: with no tool block in the conversation, the tools
        // are left out, so none is what the model can do; with one, Converse wants them described
        boolean noTools = r.toolChoice() instanceof ToolChoice.None && !jsonAnswer;
        if (noTools && hasToolBlocks(r)) {
            if (rejectUnsupported) throw unsupported("tool_choice");
            noTools = false;
        }
        if ((!r.tools().isEmpty() && !noTools) || jsonAnswer) {
            ObjectNode config = body.putObject("toolConfig");
            ArrayNode tools = config.putArray("tools");
            for (Tool t : r.tools()) toolSpec(tools, t.name(), t.description(), t.parameters() != null ? t.parameters() : Json.object().put("type", "object"));
            if (jsonAnswer) {
                toolSpec(tools, JsonAnswerTool.NAME, JsonAnswerTool.DESCRIPTION, JsonAnswerTool.schema(r));
                ObjectNode choice = config.putObject("toolChoice");
                if (budget != null) choice.putObject("auto");
                else if (r.tools().isEmpty() || r.toolChoice() instanceof ToolChoice.None) choice.putObject("tool").put("name", JsonAnswerTool.NAME);
                else choice.putObject("any");
            } else {
                switch (r.toolChoice()) {
                    case ToolChoice.Auto a -> config.putObject("toolChoice").putObject("auto");
                    case ToolChoice.Required q -> config.putObject("toolChoice").putObject("any");
                    case ToolChoice.Named n -> config.putObject("toolChoice").putObject("tool").put("name", n.name());
                    case ToolChoice.None n -> { }
                    case null -> { }
                }
            }
        }
        if (budget != null) {
            body.putObject("additionalModelRequestFields").putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        return body;
    }

    /** The last assistant turn calls a tool and does not begin with signed (or redacted) reasoning. */
    private static boolean toolTurnWithoutSignedReasoning(ArrayNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            com.fasterxml.jackson.databind.JsonNode m = messages.get(i);
            if (!"assistant".equals(Json.str(m, "role"))) continue;
            boolean calls = false;
            for (com.fasterxml.jackson.databind.JsonNode b : m.path("content")) calls |= b.has("toolUse");
            com.fasterxml.jackson.databind.JsonNode first = m.path("content").path(0).path("reasoningContent");
            boolean signed = first.has("redactedContent") || first.path("reasoningText").hasNonNull("signature");
            return calls && !signed;
        }
        return false;
    }

    /** Whether the model takes Anthropic's {@code thinking} (Claude, by plain id, inference profile or ARN). */
    static boolean thinks(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        return id.contains("anthropic.") || id.contains("claude");
    }

    private static boolean hasToolBlocks(ChatRequest r) {
        for (Message m : r.messages()) {
            for (ContentPart c : m.content()) {
                if (c instanceof ContentPart.ToolCall || c instanceof ContentPart.ToolResult) return true;
            }
        }
        return false;
    }

    private static void toolSpec(ArrayNode tools, String name, String description, JsonNode schema) {
        ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", name);
        if (description != null) spec.put("description", description);
        spec.putObject("inputSchema").set("json", schema);
    }

    private static void block(ContentPart c, ArrayNode turn, String at) {
        switch (c) {
            case ContentPart.Text t -> {
                if (!t.text().isEmpty()) turn.addObject().put("text", t.text());
            }
            case ContentPart.Image img -> turn.addObject().set("image", image(img, at));
            case ContentPart.File f -> {
                if (f.data() == null) throw GatewayError.invalid(at + ".content", "Provider bedrock takes documents inline (base64), not by file id.");
                ObjectNode doc = turn.addObject().putObject("document");
                doc.put("format", documentFormat(f.mediaType(), f.filename()));
                doc.put("name", documentName(f.filename()));
                doc.putObject("source").put("bytes", f.data());
            }
            case ContentPart.ToolCall call -> {
                ObjectNode use = turn.addObject().putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
                use.set("input", arguments(call.arguments(), at));
            }
            case ContentPart.ToolResult res -> turn.add(toolResult(res.toolCallId(), res.content(), res.isError(), at));
            case ContentPart.Reasoning rs -> {
                ObjectNode rc = turn.addObject().putObject("reasoningContent");
                if (rs.redacted()) {
                    rc.put("redactedContent", rs.text() == null ? "" : rs.text());
                } else {
                    ObjectNode rt = rc.putObject("reasoningText").put("text", rs.text() == null ? "" : rs.text());
                    if (rs.signature() != null) rt.put("signature", rs.signature());
                }
            }
            case ContentPart.Audio a -> throw GatewayError.invalid(at + ".content", "Provider bedrock does not take audio input.");
        }
    }

    private static ObjectNode toolResult(String id, java.util.List<ContentPart> content, boolean isError, String at) {
        ObjectNode res = Json.object();
        ObjectNode r = res.putObject("toolResult").put("toolUseId", id);
        ArrayNode out = r.putArray("content");
        for (ContentPart c : content) {
            switch (c) {
                case ContentPart.Text t -> out.addObject().put("text", t.text());
                case ContentPart.Image img -> out.addObject().set("image", image(img, at));
                default -> { }
            }
        }
        if (out.isEmpty()) out.addObject().put("text", "");
        if (isError) r.put("status", "error");
        return res;
    }

    private static ObjectNode image(ContentPart.Image img, String at) {
        String data = img.data();
        String type = img.mediaType();
        if (data == null && img.url() != null && img.url().startsWith("data:")) {
            int comma = img.url().indexOf(',');
            String meta = img.url().substring(5, Math.max(5, comma));
            if (comma < 0 || !meta.endsWith(";base64")) throw GatewayError.invalid(at + ".content", "An image data URL must be base64.");
            type = meta.substring(0, meta.length() - ";base64".length());
            data = img.url().substring(comma + 1);
        }
        if (data == null) {
            throw GatewayError.invalid(at + ".content", "Provider bedrock takes images inline (base64 or a data: URL), not by URL.");
        }
        String format = type == null ? "png" : type.toLowerCase(Locale.ROOT).replace("image/", "").replace("jpg", "jpeg");
        ObjectNode image = Json.object().put("format", format);
        image.putObject("source").put("bytes", data);
        return image;
    }

    private static String documentFormat(String mediaType, String filename) {
        String t = mediaType == null ? "" : mediaType.toLowerCase(Locale.ROOT);
        if (t.contains("pdf")) return "pdf";
        if (t.contains("csv")) return "csv";
        if (t.contains("html")) return "html";
        if (t.contains("markdown")) return "md";
        if (filename != null && filename.contains(".")) return filename.substring(filename.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return "txt";
    }

    /** Converse allows letters, digits, whitespace, hyphens, parentheses and square brackets in a document name. */
    private static String documentName(String filename) {
        String base = filename == null ? "document" : filename.contains(".") ? filename.substring(0, filename.lastIndexOf('.')) : filename;
        String clean = base.replaceAll("[^A-Za-z0-9\\s\\-()\\[\\]]", "-");
        return clean.isBlank() ? "document" : clean;
    }

    private static JsonNode arguments(String args, String at) {
        if (args == null || args.isBlank()) return Json.object();
        try {
            return Json.parse(args);
        } catch (IOException e) {
            throw GatewayError.invalid(at + ".tool_calls", "Tool call arguments must be valid JSON for provider bedrock.");
        }
    }

    private static GatewayError unsupported(String field) {
        return new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter '" + field + "' is not supported by provider bedrock.",
                field, -1, false);
    }
}
