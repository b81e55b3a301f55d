package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.provider.gemini.GeminiParts;
import dev.switchboard.provider.gemini.GeminiWire;
import dev.switchboard.transport.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a canonical answer as a Gemini {@code GenerateContentResponse}: one candidate per choice
 * ({@code content} with role {@code model}, {@code finishReason}, {@code index}),
 * {@code usageMetadata} ({@link GeminiWire#usageMetadata}), {@code modelVersion} = the model name
 * the client asked for, and {@code responseId}. Thoughts appear as {@code thought: true} parts only
 * when the client asked for them ({@code thinkingConfig.includeThoughts}), as Gemini does; their
 * signatures are kept either way.
 */
public final class GeminiResponseEncoder {

    private GeminiResponseEncoder() {}

    public static ObjectNode response(ChatResponse r, String clientModel, boolean includeThoughts) {
        ObjectNode out = Json.object();
        ArrayNode candidates = out.putArray("candidates");
        for (ChatResponse.Choice c : r.choices()) {
            ObjectNode candidate = candidates.addObject();
            ArrayNode parts = parts(c.message().content(), includeThoughts);
            content(candidate, parts, c.finishReason());
            candidate.put("finishReason", GeminiWire.finishReason(c.finishReason() == null ? FinishReason.STOP : c.finishReason()));
            candidate.put("index", c.index());
        }
        if (r.usage() != null) out.set("usageMetadata", GeminiWire.usageMetadata(r.usage()));
        out.put("modelVersion", clientModel);
        out.put("responseId", r.id());
        return out;
    }

    /** Sets the candidate's {@code content}: no content for an answer the filter emptied, else at least an empty text part. */
    static void content(ObjectNode candidate, ArrayNode parts, FinishReason finish) {
        if (parts.isEmpty()) {
            if (finish == FinishReason.CONTENT_FILTER) return;
            parts.addObject().put("text", "");
        }
        ObjectNode content = candidate.putObject("content");
        content.put("role", "model");
        content.set("parts", parts);
    }

    static ArrayNode parts(List<ContentPart> content, boolean includeThoughts) {
        List<ContentPart> shown = content;
        if (!includeThoughts) {
            shown = new ArrayList<>(content.size());
            for (ContentPart p : content) {
                if (p instanceof ContentPart.Reasoning r && r.text() != null) {
                    if (r.signature() != null) shown.add(new ContentPart.Reasoning(null, r.signature(), false));
                } else {
                    shown.add(p);
                }
            }
        }
        // an answer never carries tool results; the name lookup is never asked
        return GeminiParts.encodeAnswer(shown, result -> result.toolCallId());
    }
}
