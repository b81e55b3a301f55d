package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.ResponseIds;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's legacy Completions API ({@code POST /v1/completions}) over the canonical chat model.
 * The gateway serves it through chat: the prompt becomes one user message, the answer's text
 * becomes {@code choices[].text}. No provider's own legacy endpoint is called.
 *
 * <ul>
 *   <li>Request: {@code prompt} as a string, or an array of exactly one string. Several prompts
 *       in one request, and prompts of token ids, have no chat equivalent: 400
 *       {@code unsupported_parameter} naming {@code prompt}, whatever the parameter policy.</li>
 *   <li>The fields chat shares — {@code max_tokens}, {@code temperature}, {@code top_p}, {@code n},
 *       {@code stop}, {@code seed}, {@code presence_penalty}, {@code frequency_penalty},
 *       {@code user}, {@code stream}, {@code stream_options} — are checked and carried by the chat
 *       decoder, under the same names.</li>
 *   <li>{@link #UNTRANSLATABLE} ({@code suffix}, {@code echo}, {@code logprobs}, {@code best_of})
 *       have no chat equivalent: 400 {@code unsupported_parameter} with the {@code reject}
 *       policy, dropped with {@code drop}. A value that asks for nothing ({@code echo: false},
 *       an empty {@code suffix}, {@code best_of} equal to {@code n}, null) counts as absent.</li>
 *   <li>Response: a {@code text_completion} object whose id is {@code cmpl-…}; streams are
 *       chunks of the same shape ({@link ChunkEncoder}).</li>
 * </ul>
 */
final class LegacyCompletions {

    static final List<String> UNTRANSLATABLE = List.of("suffix", "echo", "logprobs", "best_of");
    private static final List<String> SHARED = List.of("model", "max_tokens", "temperature", "top_p", "n", "stop", "seed",
            "presence_penalty", "frequency_penalty", "user", "stream", "stream_options");
    static final String OBJECT = "text_completion";

    private LegacyCompletions() {}

    /**
     * The Chat Completions body equivalent to a legacy request, ready for {@link OpenAiChatDecoder}.
     *
     * @param reject the parameter policy: refuse (true) or drop (false) what chat cannot take
     */
    static ObjectNode chatBody(JsonNode root, boolean reject) {
        String prompt = prompt(root.get("prompt"));
        for (String field : UNTRANSLATABLE) {
            if (asksForSomething(root, field) && reject) {
                throw new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter '" + field
                        + "' of the legacy completions API is not supported: the gateway serves completions through chat models.",
                        field, -1, false);
            }
        }
        ObjectNode chat = Json.object();
        for (String field : SHARED) {
            JsonNode v = root.get(field);
            if (v != null) chat.set(field, v);
        }
        chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return chat;
    }

    private static String prompt(JsonNode p) {
        if (p == null || p.isNull()) throw GatewayError.invalid("prompt", "Missing required parameter: 'prompt'.");
        if (p.isTextual()) return p.textValue();
        if (!p.isArray()) throw GatewayError.invalid("prompt", "'prompt' must be a string or an array of strings.");
        if (p.isEmpty()) throw GatewayError.invalid("prompt", "'prompt' must not be an empty array.");
        if (!p.get(0).isTextual()) {
            throw new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER,
                    "Prompts of token ids are not supported: send the prompt as text.", "prompt", -1, false);
        }
        if (p.size() > 1) {
            throw new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER,
                    "Several prompts in one request are not supported: send one prompt per request.", "prompt", -1, false);
        }
        return p.get(0).textValue();
    }

    private static boolean asksForSomething(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) return false;
        return switch (field) {
            case "echo" -> !(v.isBoolean() && !v.booleanValue());
            case "suffix" -> !(v.isTextual() && v.textValue().isEmpty());
            case "best_of" -> !(v.canConvertToInt() && v.intValue() == Math.max(1, root.path("n").asInt(1)));
            default -> true;
        };
    }

    /** A complete answer as a {@code text_completion}, with {@code model} the client's name. */
    static ObjectNode response(ChatResponse r, String model) {
        ObjectNode out = head(id(r.id()), r.created(), model);
        ArrayNode choices = out.putArray("choices");
        for (ChatResponse.Choice c : r.choices()) {
            StringBuilder text = new StringBuilder();
            for (ContentPart p : c.message().content()) {
                if (p instanceof ContentPart.Text t) text.append(t.text());
            }
            choice(choices, c.index(), text.toString(), finishReason(c.finishReason()));
        }
        if (r.usage() != null) out.set("usage", OpenAiChatEncoder.usage(r.usage()));
        return out;
    }

    /** Legacy completions know {@code stop}, {@code length} and {@code content_filter}. */
    static String finishReason(FinishReason r) {
        if (r == null) return null;
        return r == FinishReason.TOOL_CALLS ? "stop" : OpenAiChatEncoder.finishReason(r);
    }

    /** {@code cmpl-…}: the upstream's id with its chat prefix swapped, or a fresh one. */
    static String id(String upstream) {
        return ResponseIds.prefixed("cmpl-", upstream != null && upstream.startsWith("chatcmpl-") ? upstream.substring("chatcmpl-".length()) : upstream);
    }

    private static ObjectNode head(String id, long created, String model) {
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("object", OBJECT);
        out.put("created", created);
        out.put("model", model);
        return out;
    }

    private static void choice(ArrayNode choices, int index, String text, String finishReason) {
        ObjectNode c = choices.addObject();
        c.put("text", text);
        c.put("index", index);
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
    }

    /**
     * Canonical stream events to {@code text_completion} chunks: a chunk per text delta, then at
     * the end ({@link #end}) one with empty text and the finish reason per choice, in the order
     * the choices finished, and — only when the client asked for it — a last chunk with no
     * choices and the usage. Finishes wait for the end so that with {@code n > 1} no choice's
     * finish comes before another's text, whatever order the provider sends them in. Nothing for
     * the Start event (the legacy API sends no opening chunk), reasoning or tool calls. Created
     * per stream and not thread-safe.
     */
    static final class ChunkEncoder implements OpenAiStreams.ChunkEncoding {
        private final String model;
        private final boolean includeUsage;
        private final List<StreamEvent.Finish> finishes = new ArrayList<>(1);
        private Usage usage;
        private String id;
        private long created;

        ChunkEncoder(String model, boolean includeUsage) {
            this.model = model;
            this.includeUsage = includeUsage;
        }

        @Override
        public ObjectNode encode(StreamEvent event) {
            return switch (event) {
                case StreamEvent.Start s -> {
                    id = LegacyCompletions.id(s.id());
                    created = s.created() > 0 ? s.created() : System.currentTimeMillis() / 1000;
                    yield null;
                }
                case StreamEvent.TextDelta t -> chunk(t.choice(), t.text(), null);
                case StreamEvent.Finish f -> {
                    finishes.add(f);
                    yield null;
                }
                case StreamEvent.UsageReport u -> {
                    usage = u.usage();
                    yield null;
                }
                default -> null;
            };
        }

        /** Each choice's finish, then the usage when the client asked for it. */
        @Override
        public List<ObjectNode> end() {
            List<ObjectNode> out = new ArrayList<>(finishes.size() + 1);
            for (StreamEvent.Finish f : finishes) out.add(chunk(f.choice(), "", finishReason(f.reason())));
            if (includeUsage && usage != null) {
                ObjectNode last = head(streamId(), created, model);
                last.putArray("choices");
                last.set("usage", OpenAiChatEncoder.usage(usage));
                out.add(last);
            }
            finishes.clear();
            usage = null;
            return out;
        }

        private ObjectNode chunk(int index, String text, String finishReason) {
            ObjectNode out = head(streamId(), created, model);
            choice(out.putArray("choices"), index, text, finishReason);
            return out;
        }

        private String streamId() {
            if (id == null) id = LegacyCompletions.id(null);
            return id;
        }
    }
}
