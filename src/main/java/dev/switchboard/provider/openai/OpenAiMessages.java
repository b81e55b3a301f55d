package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Canonical messages as OpenAI Chat Completions message objects: the one mapping of the format's
 * messages, shared by the adapter (which sends a whole conversation) and the OpenAI ingress (whose
 * answer carries an assistant message of the same shape, see {@link #assistant}).
 *
 * <p>Shapes: a turn whose content is one text part is sent as a plain string, anything else as
 * an array of typed parts ({@code text}, {@code image_url} with a URL or a base64 data URL,
 * {@code input_audio}, {@code file}). An assistant turn is its text joined into one string (null
 * when it only calls tools) plus {@code tool_calls}. Each {@link ContentPart.ToolResult} becomes a
 * {@code "tool"} message of its own with its {@code tool_call_id}, wherever it sat: in a tool turn
 * (several results, several messages) or inside a user turn, as Anthropic's format carries them;
 * there the tool messages come first, since OpenAI wants them right after the assistant's calls,
 * and the turn's other parts follow as a user message.
 *
 * <p>What Chat Completions has no place for is left out, on purpose:
 * <ul>
 *   <li>{@link ContentPart.Reasoning} parts. Chat Completions takes no earlier reasoning as input:
 *       OpenAI keeps its own reasoning server-side, the compatible servers that show theirs
 *       ({@code reasoning_content}, DeepSeek) refuse it in a request, and another provider's
 *       thinking (Anthropic's, bound to its signature) means nothing to this model. The visible
 *       conversation — text and tool calls — is all that carries over.</li>
 *   <li>A tool result's error flag (there is no such field; its content says what went wrong) and
 *       its non-text parts (a tool message takes text only).</li>
 *   <li>Parts other than text and tool calls in an assistant turn.</li>
 * </ul>
 */
public final class OpenAiMessages {

    private OpenAiMessages() {}

    /** Appends the message object(s) one canonical turn becomes to a request's {@code messages}. */
    public static void append(Message m, ArrayNode out) {
        if (m.role() == Role.ASSISTANT) {
            ObjectNode a = assistant(m);
            // a request's assistant turn needs content unless it calls tools (a thinking-only turn has neither)
            if (!a.has("tool_calls") && a.get("content").isNull()) a.put("content", "");
            out.add(a);
            return;
        }
        List<ContentPart> rest = new ArrayList<>(m.content().size());
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.ToolResult r) {
                ObjectNode tool = out.addObject();
                tool.put("role", "tool");
                tool.put("tool_call_id", r.toolCallId());
                tool.set("content", toolContent(r.content()));
            } else if (!(p instanceof ContentPart.Reasoning) && !(p instanceof ContentPart.ToolCall)) {
                rest.add(p);
            }
        }
        if (rest.isEmpty()) return; // only tool results (or nothing OpenAI can take)
        ObjectNode msg = out.addObject();
        // parts beside tool results have no tool message to go in: they are the user's
        msg.put("role", m.role() == Role.TOOL ? "user" : m.role().wire());
        msg.set("content", content(rest));
        if (m.name() != null && m.role() != Role.TOOL) msg.put("name", m.name());
    }

    /**
     * An assistant turn: {@code content} is its text parts joined (null when there are none),
     * {@code tool_calls} its calls; any other part is left to the caller.
     */
    public static ObjectNode assistant(Message m) {
        ObjectNode out = Json.object();
        out.put("role", "assistant");
        StringBuilder text = null;
        ArrayNode calls = null;
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Text t) {
                (text == null ? text = new StringBuilder() : text).append(t.text());
            } else if (p instanceof ContentPart.ToolCall call) {
                if (calls == null) calls = Json.NODES.arrayNode();
                ObjectNode c = calls.addObject();
                c.put("id", call.id());
                c.put("type", "function");
                ObjectNode fn = c.putObject("function");
                fn.put("name", call.name());
                fn.put("arguments", call.arguments());
            }
        }
        if (text == null) out.putNull("content");
        else out.put("content", text.toString());
        if (calls != null) out.set("tool_calls", calls);
        if (m.name() != null) out.put("name", m.name());
        return out;
    }

    /** One text part as a string, else an array of typed parts. */
    private static JsonNode content(List<ContentPart> parts) {
        if (parts.size() == 1 && parts.getFirst() instanceof ContentPart.Text t) return TextNode.valueOf(t.text());
        ArrayNode out = Json.NODES.arrayNode();
        for (ContentPart p : parts) {
            switch (p) {
                case ContentPart.Text t -> out.addObject().put("type", "text").put("text", t.text());
                case ContentPart.Image i -> {
                    ObjectNode url = out.addObject().put("type", "image_url").putObject("image_url");
                    url.put("url", i.url() != null ? i.url() : dataUrl(i.mediaType(), i.data()));
                    if (i.detail() != null) url.put("detail", i.detail());
                }
                case ContentPart.Audio a -> {
                    ObjectNode audio = out.addObject().put("type", "input_audio").putObject("input_audio");
                    audio.put("data", a.data());
                    if (a.format() != null) audio.put("format", a.format());
                }
                // a URL (Gemini's fileData.fileUri) is no OpenAI file id, and OpenAI fetches no file: dropped
                case ContentPart.File f when f.data() == null && f.fileId() != null && f.fileId().contains("://") -> { }
                case ContentPart.File f -> {
                    ObjectNode file = out.addObject().put("type", "file").putObject("file");
                    if (f.fileId() != null) file.put("file_id", f.fileId());
                    if (f.filename() != null) file.put("filename", f.filename());
                    // a client that sent bare base64 (no media type) gets it back as it was
                    if (f.data() != null) file.put("file_data", f.mediaType() != null ? dataUrl(f.mediaType(), f.data()) : f.data());
                }
                case ContentPart.ToolCall c -> { }
                case ContentPart.ToolResult r -> { }
                case ContentPart.Reasoning r -> { }
            }
        }
        return out;
    }

    /** A tool message takes text only: one text as a string, several as text parts, none as "". */
    private static JsonNode toolContent(List<ContentPart> parts) {
        List<ContentPart> texts = parts.stream().filter(ContentPart.Text.class::isInstance).toList();
        if (texts.isEmpty()) return TextNode.valueOf("");
        return content(texts);
    }

    private static String dataUrl(String mediaType, String base64) {
        return "data:" + (mediaType == null ? "" : mediaType) + ";base64," + base64;
    }
}
