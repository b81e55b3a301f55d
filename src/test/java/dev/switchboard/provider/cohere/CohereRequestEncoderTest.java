package dev.switchboard.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.transport.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class CohereRequestEncoderTest {

    private static JsonNode json(String s) {
        try {
            return Json.parse(s);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ChatRequest request(List<Message> messages, List<Tool> tools, ToolChoice choice, GenerationParams params,
                                       ResponseFormat format, boolean stream) {
        return new ChatRequest("public", messages, tools, choice, null, params, format, stream, false, "user-1");
    }

    private static final Tool WEATHER = new Tool("get_weather", "Weather for a city",
            json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), null);

    @Test
    void encode_messagesParamsAndTools_becomeV2ChatFields() {
        ChatRequest r = request(List.of(
                        Message.text(Role.SYSTEM, "Be terse"),
                        Message.text(Role.DEVELOPER, "Use metric"),
                        Message.text(Role.USER, "Weather in Paris?")),
                List.of(WEATHER), ToolChoice.REQUIRED,
                new GenerationParams(0.3, 0.9, 100, List.of("END"), 7L, null, 0.1, 0.2, null), null, true);
        // reparsed: the encoder writes seed as a long, the parser reads 7 as an int
        assertThat(json(Json.text(new CohereRequestEncoder("command-a-03-2025", false).encode(r)))).isEqualTo(json("""
                {"model":"command-a-03-2025",
                 "messages":[{"role":"system","content":"Be terse"},{"role":"system","content":"Use metric"},
                             {"role":"user","content":"Weather in Paris?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "tool_choice":"REQUIRED",
                 "temperature":0.3,"p":0.9,"max_tokens":100,"stop_sequences":["END"],"seed":7,
                 "frequency_penalty":0.2,"presence_penalty":0.1,"stream":true}"""));
    }

    @Test
    void encode_toolCallsAndResults_becomeAssistantToolCallsAndToolMessages() {
        ChatRequest r = request(List.of(
                        Message.text(Role.USER, "Weather in Paris and Rome?"),
                        new Message(Role.ASSISTANT, List.of(new ContentPart.Reasoning("thinking", "sig", false),
                                new ContentPart.Text("Checking."),
                                new ContentPart.ToolCall("c1", "get_weather", "{\"city\":\"Paris\"}"),
                                new ContentPart.ToolCall("c2", "get_weather", "")), null),
                        new Message(Role.TOOL, List.of(new ContentPart.ToolResult("c1", List.of(new ContentPart.Text("18 degrees")), false)), null),
                        // an Anthropic client sends results inside a user turn, with its own text after them
                        new Message(Role.USER, List.of(new ContentPart.Text("and then?"),
                                new ContentPart.ToolResult("c2", List.of(new ContentPart.Text("24 degrees")), false)), null)),
                List.of(WEATHER), ToolChoice.NONE, null, null, false);
        JsonNode body = new CohereRequestEncoder("command-r", false).encode(r);
        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":"Weather in Paris and Rome?"},
                 {"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"id":"c2","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"c1","content":"18 degrees"},
                 {"role":"tool","tool_call_id":"c2","content":"24 degrees"},
                 {"role":"user","content":"and then?"}]"""));
        assertThat(body.get("tool_choice").asText()).isEqualTo("NONE");
        assertThat(body.has("stream")).isFalse();
    }

    @Test
    void encode_autoToolChoiceIsOmitted_strictSetsStrictTools() {
        Tool strict = new Tool("f", null, null, true);
        JsonNode body = new CohereRequestEncoder("m", false).encode(request(List.of(Message.text(Role.USER, "hi")), List.of(strict),
                ToolChoice.AUTO, null, null, false));
        assertThat(body.has("tool_choice")).isFalse();
        assertThat(body.get("strict_tools").asBoolean()).isTrue();
        assertThat(body.at("/tools/0/function/parameters")).isEqualTo(json("{\"type\":\"object\"}"));
    }

    @Test
    void encode_imagesGoAsImageUrlParts() {
        Message m = new Message(Role.USER, List.of(new ContentPart.Text("What is this?"),
                new ContentPart.Image("https://x.test/cat.png", null, null, null),
                new ContentPart.Image(null, "image/jpeg", "QUJD", null)), null);
        JsonNode body = new CohereRequestEncoder("m", true).encode(request(List.of(m), null, null, null, null, false));
        assertThat(body.at("/messages/0/content")).isEqualTo(json("""
                [{"type":"text","text":"What is this?"},
                 {"type":"image_url","image_url":{"url":"https://x.test/cat.png"}},
                 {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,QUJD"}}]"""));
    }

    @Test
    void encode_responseFormats() {
        JsonNode schema = json("{\"type\":\"object\",\"required\":[\"a\"]}");
        assertThat(new CohereRequestEncoder("m", true).encode(request(List.of(Message.text(Role.USER, "x")), null, null, null,
                new ResponseFormat.JsonSchema("s", schema, true), false)).get("response_format"))
                .isEqualTo(json("{\"type\":\"json_object\",\"json_schema\":{\"type\":\"object\",\"required\":[\"a\"]}}"));
        assertThat(new CohereRequestEncoder("m", true).encode(request(List.of(Message.text(Role.USER, "x")), null, null, null,
                new ResponseFormat.JsonObject(), false)).get("response_format")).isEqualTo(json("{\"type\":\"json_object\"}"));
        assertThat(new CohereRequestEncoder("m", true).encode(request(List.of(Message.text(Role.USER, "x")), null, null, null,
                new ResponseFormat.Text(), false)).has("response_format")).isFalse();
    }

    @Test
    void encode_namedToolChoice_isDroppedOrRefusedByPolicy() {
        ChatRequest r = request(List.of(Message.text(Role.USER, "hi")), List.of(WEATHER), new ToolChoice.Named("get_weather"),
                null, null, false);
        assertThat(new CohereRequestEncoder("m", false).encode(r).has("tool_choice")).isFalse();
        assertThatThrownBy(() -> new CohereRequestEncoder("m", true).encode(r))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_PARAMETER);
                    assertThat(e.param()).isEqualTo("tool_choice");
                });
    }

    @Test
    void encode_unsupportedParams_areDroppedOrRefusedByPolicy() {
        ChatRequest r = request(List.of(new Message(Role.USER, List.of(new ContentPart.Text("hi"),
                        new ContentPart.Audio("AAAA", "wav")), null)), null, null,
                new GenerationParams(null, null, null, null, null, 2, null, null, "high"), null, false);
        JsonNode body = new CohereRequestEncoder("m", false).encode(r);
        assertThat(body).isEqualTo(json("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThatThrownBy(() -> new CohereRequestEncoder("m", true).encode(r))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_PARAMETER));
    }
}
