package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.transport.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    static ChatRequest request(List<Message> messages, List<Tool> tools) {
        return new ChatRequest("m", messages, tools, null, null, null, null, false, false, null);
    }

    @Test
    void tokens_areCl100kBase() {
        assertThat(TokenEstimator.tokens("hello world")).isEqualTo(2);
        assertThat(TokenEstimator.tokens("Hello there, gateway")).isEqualTo(4);
        assertThat(TokenEstimator.tokens("")).isZero();
        assertThat(TokenEstimator.tokens(null)).isZero();
        assertThat(TokenEstimator.tokens("<|endoftext|>")).isGreaterThan(1); // special tokens count as text
    }

    @Test
    void inputTokens_followTheDocumentedFormula() throws Exception {
        List<Message> messages = List.of(
                Message.text(Role.SYSTEM, "Be brief"),
                new Message(Role.USER, List.of(new ContentPart.Text("hello world"), new ContentPart.Image("https://x", null, null, null)), null),
                new Message(Role.ASSISTANT, List.of(new ContentPart.ToolCall("c1", "lookup", "{\"q\":\"x\"}")), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("c1", List.of(new ContentPart.Text("hello world")), false)), null));
        Tool tool = new Tool("lookup", "Look it up", Json.parse("{\"type\":\"object\"}"), null);
        long expected = 3
                + (3 + TokenEstimator.tokens("Be brief"))
                + (3 + 2 + 1_600)
                + (3 + TokenEstimator.tokens("lookup") + TokenEstimator.tokens("{\"q\":\"x\"}"))
                + (3 + 2)
                + (8 + TokenEstimator.tokens("lookup") + TokenEstimator.tokens("Look it up") + TokenEstimator.tokens("{\"type\":\"object\"}"));
        assertThat(TokenEstimator.inputTokens(request(messages, List.of(tool)))).isEqualTo(expected);
    }
}
