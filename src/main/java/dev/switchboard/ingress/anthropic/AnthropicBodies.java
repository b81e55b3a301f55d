package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.Principal;
import dev.switchboard.ingress.JsonBodies;
import io.vertx.ext.web.RoutingContext;

/** Reading Anthropic request bodies, and a key's system prompt put into them. */
final class AnthropicBodies {

    private AnthropicBodies() {}

    static ObjectNode parse(RoutingContext ctx) {
        return JsonBodies.object(ctx);
    }

    /**
     * A key's {@code systemPrompt} goes ahead of the client's own system prompt, in the top-level
     * {@code system} (Anthropic has no system role among the messages): as the string itself when
     * the client sent none, else as a first text block before the client's, which keep their
     * {@code cache_control}. A {@code system} of another type is left for the decoder to refuse.
     */
    static void prependSystemPrompt(ObjectNode root, Principal principal) {
        if (principal.admin()) return;
        String prompt = principal.key().systemPrompt();
        if (prompt == null || prompt.isEmpty()) return;
        JsonNode system = root.get("system");
        if (system == null || system.isNull() || (system.isTextual() && system.textValue().isEmpty())) {
            root.put("system", prompt);
        } else if (system.isTextual()) {
            ArrayNode blocks = root.putArray("system");
            blocks.addObject().put("type", "text").put("text", prompt);
            blocks.addObject().put("type", "text").put("text", system.textValue());
        } else if (system instanceof ArrayNode blocks) {
            blocks.insertObject(0).put("type", "text").put("text", prompt);
        }
    }
}
