package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Decodes a Gemini {@code GenerateContentResponse} into a canonical answer: one choice per
 * candidate (by its {@code index}), the parts through {@link GeminiParts}, the finish reason
 * through {@link GeminiWire#finishReason}, the usage through {@link GeminiWire#usage}. A prompt
 * the provider blocked ({@code promptFeedback.blockReason}, no candidates) is one empty choice
 * finished by the content filter.
 *
 * <p>Function calls get ids derived from the response id, the candidate and the call's position
 * ({@code call_} + 24 hex of their SHA-256), so a retry of the same decoding gives the same ids
 * and ids differ across responses; a call that carries its own {@code id} keeps it.
 */
public final class GeminiResponseDecoder {

    private GeminiResponseDecoder() {}

    /** @param fallbackModel the model to report when the response names none ({@code modelVersion}) */
    public static ChatResponse decode(JsonNode body, String fallbackModel, Clock clock) {
        String id = responseId(body);
        String model = GeminiWire.text(body, "modelVersion");
        List<ChatResponse.Choice> choices = new ArrayList<>();
        List<JsonNode> candidates = GeminiWire.items(GeminiWire.field(body, "candidates"));
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode c = candidates.get(i);
            JsonNode index = GeminiWire.field(c, "index");
            int choice = index != null && index.canConvertToInt() ? index.asInt() : i;
            List<ContentPart> parts = GeminiParts.decode(GeminiWire.field(GeminiWire.field(c, "content"), "parts"),
                    "candidates[" + i + "].content.parts", ids(id, choice));
            boolean called = parts.stream().anyMatch(ContentPart.ToolCall.class::isInstance);
            FinishReason finish = GeminiWire.finishReason(GeminiWire.text(c, "finishReason"), called);
            choices.add(new ChatResponse.Choice(choice, new Message(Role.ASSISTANT, parts, null),
                    finish == null ? FinishReason.STOP : finish));
        }
        if (choices.isEmpty()) {
            boolean blocked = GeminiWire.text(GeminiWire.field(body, "promptFeedback"), "blockReason") != null;
            choices.add(new ChatResponse.Choice(0, new Message(Role.ASSISTANT, List.of(), null),
                    blocked ? FinishReason.CONTENT_FILTER : FinishReason.ERROR));
        }
        choices.sort(java.util.Comparator.comparingInt(ChatResponse.Choice::index));
        return new ChatResponse(id, model != null ? model : fallbackModel, created(body, clock), choices,
                GeminiWire.usage(GeminiWire.field(body, "usageMetadata")));
    }

    static String responseId(JsonNode body) {
        String id = GeminiWire.text(body, "responseId");
        return id != null ? id : "gemini-" + UUID.randomUUID();
    }

    /** {@code createTime} when the provider sent one (Vertex does), else now. */
    static long created(JsonNode body, Clock clock) {
        String t = GeminiWire.text(body, "createTime");
        if (t != null) {
            try {
                return Instant.parse(t).getEpochSecond();
            } catch (DateTimeParseException ignored) {
                // fall back to the clock
            }
        }
        return clock.instant().getEpochSecond();
    }

    /** Call ids of one candidate: the call's own id, else derived from the response id and position. */
    static GeminiParts.CallIds ids(String responseId, int candidate) {
        return new GeminiParts.CallIds() {
            private int next;

            @Override
            public String call(String name, String given) {
                int k = next++;
                return given != null ? given : callId(responseId, candidate, k);
            }

            @Override
            public String result(String name, String given) {
                return given != null ? given : name;
            }
        };
    }

    static String callId(String responseId, int candidate, int k) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((responseId + "/" + candidate + "/" + k).getBytes(StandardCharsets.UTF_8));
            return "call_" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
