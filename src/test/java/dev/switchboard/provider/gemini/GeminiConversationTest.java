package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.transport.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a conversation's turns reach Gemini where its shape and OpenAI's differ. */
class GeminiConversationTest {

    static ObjectNode encode(List<Message> messages) {
        return GeminiRequestEncoder.encode(new ChatRequest("m", messages, null, null, null, null, null, false, false, null), false);
    }

    @Test
    void systemMessagesAlone_areTheUserTurn_forGeminiNeedsATurnToAnswer() throws Exception {
        ObjectNode body = encode(List.of(Message.text(Role.SYSTEM, "Say hi."), Message.text(Role.DEVELOPER, "Briefly.")));
        assertThat(body.has("systemInstruction")).isFalse();
        assertThat(body.get("contents")).isEqualTo(Json.parse("[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hi.\"},{\"text\":\"Briefly.\"}]}]"));
    }

    @Test
    void systemMessagesBesideATurn_stayTheSystemInstruction() {
        ObjectNode body = encode(List.of(Message.text(Role.SYSTEM, "Say hi."), Message.text(Role.USER, "hello")));
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Say hi.");
        assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("hello");
    }
}
