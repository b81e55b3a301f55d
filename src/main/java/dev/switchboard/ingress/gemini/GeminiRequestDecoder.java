package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.openai.OpenAiChatDecoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.provider.gemini.GeminiParts;
import dev.switchboard.provider.gemini.GeminiWire;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a Gemini {@code GenerateContentRequest} body into the canonical {@link ChatRequest},
 * checking every field it reads: a wrong type or a missing field is a 400 naming it
 * ({@code contents[1].parts[0].functionCall.name}). The model comes from the URL. Fields the
 * canonical model has no place for (safety settings, cached content, built-in tools such as
 * Google Search, {@code topK}) are left alone: with a Gemini provider they pass through in the
 * original body; with any other they are dropped.
 *
 * <ul>
 *   <li>{@code systemInstruction} → a system message first; {@code user} turns → user
 *       messages, except their {@code functionResponse} parts, which become tool messages (ahead
 *       of the turn's other parts); {@code model} turns → assistant messages.</li>
 *   <li>Call ids: Gemini has none, so each {@code functionCall} of the conversation gets
 *       {@code call_<turn>_<k>} (its content's index, its position among that turn's calls), and
 *       each {@code functionResponse} answers the oldest unanswered call of the same name — name
 *       and order, as Gemini pairs them. Ids a client does send ({@code id}) are kept. The same
 *       body always gives the same ids, so a retried translation is identical.</li>
 *   <li>{@code tools[].functionDeclarations} → tools, the schema from {@code parametersJsonSchema}
 *       as is, or from {@code parameters} with Gemini's upper-case types lowered;
 *       {@code functionCallingConfig}: AUTO and VALIDATED → auto, NONE → none, ANY → required, or
 *       the named function when {@code allowedFunctionNames} holds exactly one; under ANY and
 *       VALIDATED the tools are cut down to the allowed names (under VALIDATED, one too).</li>
 *   <li>{@code generationConfig}: temperature, topP, maxOutputTokens, stopSequences, seed,
 *       candidateCount (n), presence and frequency penalties; {@code responseMimeType:
 *       application/json} → JSON mode, with {@code responseJsonSchema} or {@code responseSchema} →
 *       a JSON schema named {@code response}; {@code thinkingConfig.thinkingBudget} (or
 *       {@code thinkingLevel}) → reasoning effort ({@link GeminiWire#reasoningEffort}).</li>
 * </ul>
 */
public final class GeminiRequestDecoder {

    private GeminiRequestDecoder() {}

    public static ChatRequest decode(JsonNode root, String model, boolean stream) {
        if (root == null || !root.isObject()) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        JsonNode contents = GeminiWire.field(root, "contents");
        if (contents == null) throw GatewayError.invalid("contents", "Missing required parameter: 'contents'.");
        List<JsonNode> turns = GeminiWire.items(contents);
        if (!contents.isArray() && !contents.isObject()) throw GatewayError.invalid("contents", "'contents' must be an array.");
        if (turns.isEmpty()) throw GatewayError.invalid("contents", "'contents' must contain at least one content.");

        List<Message> messages = new ArrayList<>(turns.size() + 1);
        JsonNode system = GeminiWire.field(root, "systemInstruction");
        if (system != null) {
            if (!system.isObject()) throw GatewayError.invalid("systemInstruction", "'systemInstruction' must be a Content object.");
            List<ContentPart> parts = new ArrayList<>();
            for (ContentPart p : GeminiParts.decode(GeminiWire.field(system, "parts"), "systemInstruction.parts", new Conversation())) {
                if (p instanceof ContentPart.Text) parts.add(p);
            }
            if (!parts.isEmpty()) messages.add(new Message(Role.SYSTEM, parts, null));
        }
        Conversation ids = new Conversation();
        for (int i = 0; i < turns.size(); i++) {
            String at = "contents[" + i + "]";
            JsonNode c = turns.get(i);
            if (!c.isObject()) throw GatewayError.invalid(at, "Each content must be an object.");
            String role = GeminiWire.text(c, "role");
            JsonNode roleNode = GeminiWire.field(c, "role");
            if (roleNode != null && role == null) throw GatewayError.invalid(at + ".role", "'" + at + ".role' must be a string.");
            JsonNode parts = GeminiWire.field(c, "parts");
            if (parts == null) throw GatewayError.invalid(at + ".parts", "Missing required parameter: '" + at + ".parts'.");
            ids.turn(i);
            List<ContentPart> decoded = GeminiParts.decode(parts, at + ".parts", ids);
            // Gemini refuses an empty content; sent on, it became an empty conversation upstream
            if (decoded.isEmpty()) throw GatewayError.invalid(at + ".parts", "'" + at + ".parts' must hold at least one part.");
            if (role == null || role.equals("user") || role.equals("function")) {
                List<ContentPart> rest = new ArrayList<>(decoded.size());
                for (ContentPart p : decoded) {
                    if (p instanceof ContentPart.ToolResult r) messages.add(new Message(Role.TOOL, List.of(r), ids.name(r.toolCallId())));
                    else rest.add(p);
                }
                if (!rest.isEmpty()) messages.add(new Message(Role.USER, rest, null));
            } else if (role.equals("model") && !messages.isEmpty() && messages.getLast().role() == Role.ASSISTANT) {
                // consecutive model contents are one turn: a chat SDK keeps a streamed answer as a content
                // a chunk (a thought, then the call its signature rides on, then an empty text)
                List<ContentPart> turn = new ArrayList<>(messages.getLast().content());
                turn.addAll(decoded);
                turn.removeIf(p -> p instanceof ContentPart.Text t && t.text().isEmpty());
                if (turn.isEmpty()) turn.add(new ContentPart.Text(""));
                messages.set(messages.size() - 1, new Message(Role.ASSISTANT, turn, null));
            } else if (role.equals("model")) {
                messages.add(new Message(Role.ASSISTANT, decoded, null));
            } else {
                throw GatewayError.invalid(at + ".role", "Invalid role '" + role + "': use 'user' or 'model'.");
            }
        }

        JsonNode config = GeminiWire.field(root, "generationConfig");
        if (config != null && !config.isObject()) throw GatewayError.invalid("generationConfig", "'generationConfig' must be an object.");
        JsonNode toolConfig = GeminiWire.field(root, "toolConfig");
        return new ChatRequest(model, messages, allowed(tools(GeminiWire.field(root, "tools")), toolConfig),
                toolChoice(toolConfig), null, params(config), responseFormat(config), stream, true, null);
    }

    /**
     * The first field of a generateContent body that another format has no place for — log
     * probabilities, output other than text, an enum answer, built-in tools (Google Search, code
     * execution), cached content, a file by URI that is no image, safety settings, {@code topK} —
     * so that a deployment of another format could only drop it: under the router's {@code reject}
     * policy such a deployment answers 400 {@code unsupported_parameter} naming it. Null when there
     * is none.
     */
    public static String untranslatable(JsonNode root) {
        JsonNode config = GeminiWire.field(root, "generationConfig");
        JsonNode logprobs = GeminiWire.field(config, "responseLogprobs");
        if (logprobs != null && logprobs.asBoolean(false)) return "generationConfig.responseLogprobs";
        if (GeminiWire.field(config, "logprobs") != null) return "generationConfig.logprobs";
        for (JsonNode m : GeminiWire.items(GeminiWire.field(config, "responseModalities"))) {
            if (!"TEXT".equalsIgnoreCase(m.asText())) return "generationConfig.responseModalities";
        }
        if ("text/x.enum".equals(GeminiWire.text(config, "responseMimeType"))) return "generationConfig.responseMimeType";
        if (GeminiWire.field(config, "topK") != null) return "generationConfig.topK";
        for (JsonNode t : GeminiWire.items(GeminiWire.field(root, "tools"))) {
            for (var e : t.properties()) if (!e.getKey().equals("functionDeclarations") && !e.getKey().equals("function_declarations")) return "tools";
        }
        if (GeminiWire.field(root, "cachedContent") != null) return "cachedContent";
        List<JsonNode> contents = GeminiWire.items(GeminiWire.field(root, "contents"));
        for (int i = 0; i < contents.size(); i++) {
            List<JsonNode> parts = GeminiWire.items(GeminiWire.field(contents.get(i), "parts"));
            for (int j = 0; j < parts.size(); j++) {
                // a file by URI other than an image: another format can fetch none
                JsonNode file = GeminiWire.field(parts.get(j), "fileData");
                String mime = GeminiWire.text(file, "mimeType");
                if (file != null && (mime == null || !mime.startsWith("image/"))) return "contents[" + i + "].parts[" + j + "].fileData";
            }
        }
        if (!GeminiWire.items(GeminiWire.field(root, "safetySettings")).isEmpty()) return "safetySettings";
        return null;
    }

    /** The ids of one conversation's calls; see the class comment. Not thread-safe: one per decoding. */
    private static final class Conversation implements GeminiParts.CallIds {
        private int turn;
        private int k;
        private final Map<String, ArrayDeque<String>> open = new HashMap<>();
        private final Map<String, String> names = new HashMap<>();

        void turn(int i) {
            turn = i;
            k = 0;
        }

        @Override
        public String call(String name, String given) {
            String id = given != null ? given : "call_" + turn + "_" + k;
            k++;
            open.computeIfAbsent(name, n -> new ArrayDeque<>()).add(id);
            names.put(id, name);
            return id;
        }

        @Override
        public String result(String name, String given) {
            ArrayDeque<String> waiting = open.get(name);
            String id;
            if (given != null && waiting != null && waiting.remove(given)) id = given;
            else if (waiting != null && !waiting.isEmpty()) id = waiting.poll();
            else id = given != null ? given : "call_" + name; // answers no call in this body: the provider decides
            names.putIfAbsent(id, name);
            return id;
        }

        String name(String id) {
            return names.get(id);
        }
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null) return List.of();
        List<Tool> out = new ArrayList<>();
        List<JsonNode> list = GeminiWire.items(tools);
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            if (!t.isObject()) throw GatewayError.invalid("tools[" + i + "]", "Each tool must be an object.");
            List<JsonNode> decls = GeminiWire.items(GeminiWire.field(t, "functionDeclarations"));
            for (int j = 0; j < decls.size(); j++) {
                String at = "tools[" + i + "].functionDeclarations[" + j + "]";
                JsonNode d = decls.get(j);
                if (!d.isObject()) throw GatewayError.invalid(at, "Each function declaration must be an object.");
                String name = GeminiWire.text(d, "name");
                if (name == null) throw GatewayError.invalid(at + ".name", "Missing required parameter: '" + at + ".name'.");
                JsonNode schema = GeminiWire.field(d, "parametersJsonSchema");
                if (schema == null) schema = GeminiWire.jsonSchema(GeminiWire.field(d, "parameters"));
                if (schema != null && !schema.isObject()) throw GatewayError.invalid(at + ".parameters", "'parameters' must be a schema object.");
                out.add(new Tool(name, GeminiWire.text(d, "description"), schema, null));
            }
        }
        return out;
    }

    /**
     * The tools a call may use: under ANY or VALIDATED with {@code allowedFunctionNames}, only those
     * (a provider told only "call a tool", or "auto", could call any it was shown), but for one name
     * under ANY, a named tool choice.
     */
    private static List<Tool> allowed(List<Tool> tools, JsonNode toolConfig) {
        JsonNode fc = GeminiWire.field(toolConfig, "functionCallingConfig");
        String mode = GeminiWire.text(fc, "mode");
        if (!"ANY".equals(mode) && !"VALIDATED".equals(mode)) return tools;
        Set<String> names = new HashSet<>();
        for (JsonNode n : GeminiWire.items(GeminiWire.field(fc, "allowedFunctionNames"))) {
            if (n.isTextual()) names.add(n.textValue());
        }
        // one name under ANY is a named tool choice, which holds by itself
        if (names.isEmpty() || (names.size() == 1 && "ANY".equals(mode))) return tools;
        List<Tool> out = new ArrayList<>(names.size());
        for (Tool t : tools) if (names.contains(t.name())) out.add(t);
        if (out.isEmpty()) {
            throw GatewayError.invalid("toolConfig.functionCallingConfig.allowedFunctionNames",
                    "'allowedFunctionNames' names no function among 'tools'.");
        }
        return List.copyOf(out);
    }

    private static ToolChoice toolChoice(JsonNode toolConfig) {
        JsonNode fc = GeminiWire.field(toolConfig, "functionCallingConfig");
        if (fc == null) return null;
        String mode = GeminiWire.text(fc, "mode");
        List<JsonNode> allowed = GeminiWire.items(GeminiWire.field(fc, "allowedFunctionNames"));
        if (mode == null) return null;
        return switch (mode) {
            case "AUTO", "VALIDATED", "MODE_UNSPECIFIED" -> ToolChoice.AUTO;
            case "NONE" -> ToolChoice.NONE;
            case "ANY" -> allowed.size() == 1 && allowed.getFirst().isTextual() ? new ToolChoice.Named(allowed.getFirst().textValue())
                    : ToolChoice.REQUIRED;
            default -> throw GatewayError.invalid("toolConfig.functionCallingConfig.mode",
                    "Invalid mode '" + mode + "': use AUTO, ANY, NONE or VALIDATED.");
        };
    }

    private static GenerationParams params(JsonNode c) {
        if (c == null) return GenerationParams.NONE;
        List<String> stop = new ArrayList<>();
        JsonNode s = GeminiWire.field(c, "stopSequences");
        if (s != null) {
            if (!s.isArray()) throw GatewayError.invalid("generationConfig.stopSequences", "'stopSequences' must be an array of strings.");
            for (JsonNode e : s) {
                if (!e.isTextual()) throw GatewayError.invalid("generationConfig.stopSequences", "'stopSequences' must be an array of strings.");
                stop.add(e.textValue());
            }
        }
        return new GenerationParams(
                number(c, "temperature", 0, 2),
                number(c, "topP", 0, 1),
                positiveInt(c, "maxOutputTokens"),
                stop,
                integer(c, "seed"),
                OpenAiChatDecoder.choices(positiveInt(c, "candidateCount"), "generationConfig.candidateCount", MAX_CANDIDATES),
                number(c, "presencePenalty", -2, 2),
                number(c, "frequencyPenalty", -2, 2),
                effort(GeminiWire.field(c, "thinkingConfig")));
    }

    private static String effort(JsonNode thinking) {
        if (thinking == null) return null;
        if (!thinking.isObject()) throw GatewayError.invalid("generationConfig.thinkingConfig", "'thinkingConfig' must be an object.");
        String level = GeminiWire.text(thinking, "thinkingLevel");
        if (level != null) return level.toLowerCase(java.util.Locale.ROOT);
        Long budget = integer(thinking, "thinkingBudget", "generationConfig.thinkingConfig.thinkingBudget");
        return budget == null ? null : GeminiWire.reasoningEffort(budget);
    }

    private static ResponseFormat responseFormat(JsonNode c) {
        String mime = GeminiWire.text(c, "responseMimeType");
        if (mime == null || !mime.equals("application/json")) return mime != null && mime.equals("text/plain") ? new ResponseFormat.Text() : null;
        JsonNode schema = GeminiWire.field(c, "responseJsonSchema");
        if (schema == null) schema = GeminiWire.jsonSchema(GeminiWire.field(c, "responseSchema"));
        return schema == null ? new ResponseFormat.JsonObject() : new ResponseFormat.JsonSchema("response", schema, null);
    }

    private static Double number(JsonNode c, String field, double min, double max) {
        JsonNode v = GeminiWire.field(c, field);
        if (v == null) return null;
        String param = "generationConfig." + field;
        if (!v.isNumber()) throw GatewayError.invalid(param, "'" + param + "' must be a number.");
        double d = v.doubleValue();
        if (d < min || d > max) throw GatewayError.invalid(param, "'" + param + "' must be between " + (int) min + " and " + (int) max + ".");
        return d;
    }

    private static Long integer(JsonNode c, String field) {
        return integer(c, field, "generationConfig." + field);
    }

    private static Long integer(JsonNode c, String field, String param) {
        JsonNode v = GeminiWire.field(c, field);
        if (v == null) return null;
        // Google's JSON mapping writes 64-bit integers as strings; both forms are accepted
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue());
            } catch (NumberFormatException e) {
                throw GatewayError.invalid(param, "'" + param + "' must be an integer.");
            }
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw GatewayError.invalid(param, "'" + param + "' must be an integer.");
        return v.longValue();
    }

    /** Gemini's limit on {@code candidateCount}. */
    static final int MAX_CANDIDATES = 8;

    private static Integer positiveInt(JsonNode c, String field) {
        Long v = integer(c, field);
        if (v == null) return null;
        if (v < 1 || v > Integer.MAX_VALUE) throw GatewayError.invalid("generationConfig." + field, "'generationConfig." + field + "' must be a positive integer.");
        return v.intValue();
    }
}
