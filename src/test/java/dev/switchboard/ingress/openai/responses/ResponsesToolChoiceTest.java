package dev.switchboard.ingress.openai.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import org.junit.jupiter.api.Test;

/** An allowed_tools tool choice: its mode, over only the tools it allows. */
class ResponsesToolChoiceTest {

    private static final String TOOLS = "[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"function\",\"name\":\"g\"},{\"type\":\"function\",\"name\":\"h\"}]";

    @Test
    void allowedTools_keepOnlyTheToolsAllowed_inTheirOrder_withTheMode() throws Exception {
        ResponsesRequest r = ResponsesDecoder.decode(Json.parse("{\"model\":\"m\",\"input\":\"hi\",\"tools\":" + TOOLS + ","
                + "\"tool_choice\":{\"type\":\"allowed_tools\",\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"name\":\"h\"},{\"type\":\"function\",\"name\":\"f\"}]}}"));
        assertThat(r.tools()).extracting(Tool::name).containsExactly("f", "h");
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.REQUIRED);

        ResponsesRequest auto = ResponsesDecoder.decode(Json.parse("{\"model\":\"m\",\"input\":\"hi\",\"tools\":" + TOOLS + ","
                + "\"tool_choice\":{\"type\":\"allowed_tools\",\"mode\":\"auto\",\"tools\":[{\"type\":\"function\",\"name\":\"g\"}]}}"));
        assertThat(auto.tools()).extracting(Tool::name).containsExactly("g");
        assertThat(auto.toolChoice()).isEqualTo(ToolChoice.AUTO);
    }

    @Test
    void allowedTools_namingNoTool_leaveTheToolsAsTheyWere() throws Exception {
        ResponsesRequest r = ResponsesDecoder.decode(Json.parse("{\"model\":\"m\",\"input\":\"hi\",\"tools\":" + TOOLS + ","
                + "\"tool_choice\":{\"type\":\"allowed_tools\",\"mode\":\"auto\",\"tools\":[{\"type\":\"function\",\"name\":\"zz\"}]}}"));
        assertThat(r.tools()).extracting(Tool::name).containsExactly("f", "g", "h");
    }
}
