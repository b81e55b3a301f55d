package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.transport.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiMessagesTest {

    @Test
    void aFileByUrl_isDropped_anOpenAiFileIdOrInlineDataIsSent() {
        ArrayNode out = Json.NODES.arrayNode();
        OpenAiMessages.append(new Message(Role.USER, List.of(new ContentPart.Text("what is it"),
                new ContentPart.File("https://generativelanguage.googleapis.com/v1beta/files/abc", null, "application/pdf", null),
                new ContentPart.File("file-abc123", null, null, null),
                new ContentPart.File(null, "a.pdf", "application/pdf", "JVBERi0=")), null), out);

        var content = out.get(0).get("content");
        assertThat(content).hasSize(3);
        assertThat(content.toString()).doesNotContain("googleapis").contains("\"file_id\":\"file-abc123\"")
                .contains("\"file_data\":\"data:application/pdf;base64,JVBERi0=\"");
    }
}
