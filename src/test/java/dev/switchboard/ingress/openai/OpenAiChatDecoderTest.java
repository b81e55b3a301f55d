package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenAiChatDecoderTest {

    private static final String USER_HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static ChatRequest decode(String json) {
        try {
            return OpenAiChatDecoder.decode(Json.parse(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal valid request with {@code extra} fields added at the top level. */
    private static ChatRequest decodeWith(String extra) {
        return decode("{\"model\":\"m\"," + USER_HI + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    @Test
    void decode_maxTokensIsCheckedEvenBesideMaxCompletionTokens() {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> decodeWith("\"max_completion_tokens\":5,\"max_tokens\":\"abc\""));
        assertThat(e.param()).isEqualTo("max_tokens");
        assertThat(decodeWith("\"max_completion_tokens\":5,\"max_tokens\":9").params().maxTokens()).isEqualTo(5);
    }

    @Test
    void decode_minimalRequest_hasDefaults() {
        ChatRequest r = decodeWith("");
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.messages()).containsExactly(Message.text(Role.USER, "hi"));
        assertThat(r.tools()).isEmpty();
        assertThat(r.toolChoice()).isNull();
        assertThat(r.parallelToolCalls()).isNull();
        assertThat(r.params()).isEqualTo(GenerationParams.NONE);
        assertThat(r.responseFormat()).isNull();
        assertThat(r.stream()).isFalse();
        assertThat(r.includeUsage()).isFalse();
        assertThat(r.user()).isNull();
    }

    @Test
    void decode_conversationWithEveryRole_mapsRolesToolCallsAndResults() {
        ChatRequest r = decode("""
                {"model":"gpt-4o","messages":[
                  {"role":"system","content":"sys"},
                  {"role":"developer","content":"dev"},
                  {"role":"user","content":"weather?","name":"alice"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"sunny"},
                  {"role":"assistant","content":"It is sunny.","reasoning_content":"checked the tool"}]}""");
        assertThat(r.messages()).extracting(Message::role)
                .containsExactly(Role.SYSTEM, Role.DEVELOPER, Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
        assertThat(r.messages().get(0).text()).isEqualTo("sys");
        assertThat(r.messages().get(1).text()).isEqualTo("dev");
        assertThat(r.messages().get(2).name()).isEqualTo("alice");
        assertThat(r.messages().get(3).content())
                .containsExactly(new ContentPart.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(r.messages().get(4).content())
                .containsExactly(new ContentPart.ToolResult("call_1", List.of(new ContentPart.Text("sunny")), false));
        assertThat(r.messages().get(5).content()).containsExactly(
                new ContentPart.Reasoning("checked the tool", null, false), new ContentPart.Text("It is sunny."));
        assertThat(r.lastMessage().text()).isEqualTo("It is sunny.");
    }

    @Test
    void decode_thinkingBlocksSentBack_areTheSignedReasoning_inPlaceOfReasoningContent() {
        ChatRequest r = decode("""
                {"model":"m","messages":[{"role":"user","content":"q"},
                  {"role":"assistant","content":null,"reasoning_content":"hmm",
                   "thinking_blocks":[{"type":"thinking","thinking":"hmm","signature":"SIG","index":0},{"type":"redacted_thinking","data":"RED"}],
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"42"}]}""");
        assertThat(r.messages().get(1).content()).containsExactly(
                new ContentPart.Reasoning("hmm", "SIG", false), new ContentPart.Reasoning(null, "RED", true),
                new ContentPart.ToolCall("call_1", "f", "{}"));
        // and so an Anthropic deployment gets them back first in the turn, with thinking still on
        com.fasterxml.jackson.databind.node.ObjectNode anthropic = new dev.switchboard.provider.anthropic.AnthropicRequestEncoder("claude", false).encode(
                new ChatRequest("m", r.messages(), null, null, null, new GenerationParams(
                        null, null, null, null, null, null, null, null, "low"), null, false, false, null));
        assertThat(anthropic.has("thinking")).isTrue();
        assertThat(anthropic.at("/messages/1/content/0")).isEqualTo(Json.object().put("type", "thinking").put("thinking", "hmm").put("signature", "SIG"));
        assertThat(anthropic.at("/messages/1/content/1")).isEqualTo(Json.object().put("type", "redacted_thinking").put("data", "RED"));
    }

    @Test
    void decode_aGeminiSignatureSentBack_standsBeforeTheToolCallItSigns() {
        ChatRequest r = decode("""
                {"model":"m","messages":[{"role":"user","content":"q"},
                  {"role":"assistant","content":"Let me look.","thinking_blocks":[{"type":"thinking","thinking":"","signature":"GSIG","index":0}],
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}]}""");
        assertThat(r.messages().get(1).content()).containsExactly(
                new ContentPart.Text("Let me look."), new ContentPart.Reasoning(null, "GSIG", false), new ContentPart.ToolCall("call_1", "f", "{}"));
    }

    @Test
    void decode_aThinkingBlockOfUnknownType_is400NamingIt() {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> decode("""
                {"model":"m","messages":[{"role":"assistant","content":"a","thinking_blocks":[{"type":"musing"}]}]}"""));
        assertThat(e.param()).isEqualTo("messages[0].thinking_blocks[0].type");
    }

    @Test
    void decode_deprecatedFunctions_areTools() {
        ChatRequest r = decode("""
                {"model":"m","messages":[{"role":"user","content":"q"}],
                 "functions":[{"name":"f","description":"d","parameters":{"type":"object"}},{"name":"g"}],"function_call":"auto"}""");
        assertThat(r.tools()).extracting(Tool::name).containsExactly("f", "g");
        assertThat(r.tools().getFirst().description()).isEqualTo("d");
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.AUTO);
        assertThat(r.parallelToolCalls()).as("not the client's: a reject policy would refuse it on Gemini").isNull();
        assertThat(decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"functions\":[{\"name\":\"f\"}],"
                + "\"function_call\":{\"name\":\"f\"}}").toolChoice()).isEqualTo(new ToolChoice.Named("f"));
        GatewayError unknown = catchThrowableOfType(GatewayError.class, () -> decode(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"functions\":[{\"name\":\"f\"}],\"function_call\":{\"name\":\"x\"}}"));
        assertThat(unknown.param()).isEqualTo("function_call");
        // tools, when sent too, win
        assertThat(decode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"functions\":[{\"name\":\"f\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"t\"}}]}").tools()).extracting(Tool::name).containsExactly("t");
    }

    @Test
    void decode_legacyFunctionRole_usesNameAsCallId() {
        ChatRequest r = decode("{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"name\":\"lookup\",\"content\":\"42\"}]}");
        assertThat(r.lastMessage().role()).isEqualTo(Role.TOOL);
        assertThat(r.lastMessage().content()).containsExactly(new ContentPart.ToolResult("lookup", List.of(new ContentPart.Text("42")), false));
    }

    @Test
    void decode_contentParts_mapToCanonicalParts() {
        ChatRequest r = decode("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"describe"},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                  {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}},
                  {"type":"file","file":{"file_id":"file-abc"}}]}]}""");
        assertThat(r.lastMessage().content()).containsExactly(
                new ContentPart.Text("describe"),
                new ContentPart.Image("https://example.com/cat.png", null, null, "high"),
                new ContentPart.Image(null, "image/png", "iVBORw0KGgo=", null),
                new ContentPart.Audio("UklGRg==", "wav"),
                new ContentPart.File(null, "a.pdf", "application/pdf", "JVBERi0="),
                new ContentPart.File("file-abc", null, null, null));
    }

    @Test
    void decode_dataUrlWithoutBase64_staysAUrl() {
        ChatRequest r = decode("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/svg+xml,%3Csvg%3E"}}]}]}""");
        assertThat(r.lastMessage().content()).containsExactly(new ContentPart.Image("data:image/svg+xml,%3Csvg%3E", null, null, null));
    }

    @Test
    void decode_tools_keepNameDescriptionSchemaAndStrict() throws IOException {
        ChatRequest r = decodeWith("""
                "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","strict":true,
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
                 {"type":"function","function":{"name":"ping"}}]""");
        assertThat(r.tools()).containsExactly(
                new Tool("get_weather", "Weather now", Json.parse("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), true),
                new Tool("ping", null, null, null));
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                Arguments.of("\"auto\"", ToolChoice.AUTO),
                Arguments.of("\"none\"", ToolChoice.NONE),
                Arguments.of("\"required\"", ToolChoice.REQUIRED),
                Arguments.of("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", new ToolChoice.Named("get_weather")),
                Arguments.of("null", null));
    }

    @ParameterizedTest
    @MethodSource("toolChoices")
    void decode_toolChoiceVariants(String json, ToolChoice expected) {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}],";
        assertThat(decodeWith(tools + "\"tool_choice\":" + json).toolChoice()).isEqualTo(expected);
    }

    @Test
    void decode_responseFormats() throws IOException {
        ResponseFormat schema = decodeWith("""
                "response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{"type":"object"}}}""")
                .responseFormat();
        assertThat(schema).isEqualTo(new ResponseFormat.JsonSchema("person", Json.parse("{\"type\":\"object\"}"), true));
        assertThat(decodeWith("\"response_format\":{\"type\":\"json_object\"}").responseFormat()).isEqualTo(new ResponseFormat.JsonObject());
        assertThat(decodeWith("\"response_format\":{\"type\":\"text\"}").responseFormat()).isEqualTo(new ResponseFormat.Text());
    }

    @Test
    void decode_stop_stringOrArray() {
        assertThat(decodeWith("\"stop\":\"END\"").params().stop()).containsExactly("END");
        assertThat(decodeWith("\"stop\":[\"a\",\"b\"]").params().stop()).containsExactly("a", "b");
        assertThat(decodeWith("\"stop\":null").params().stop()).isEmpty();
    }

    @Test
    void decode_maxCompletionTokens_isPreferredOverMaxTokens() {
        assertThat(decodeWith("\"max_tokens\":100,\"max_completion_tokens\":50").params().maxTokens()).isEqualTo(50);
        assertThat(decodeWith("\"max_tokens\":100").params().maxTokens()).isEqualTo(100);
    }

    @Test
    void decode_streamWithIncludeUsage() {
        ChatRequest r = decodeWith("\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(decodeWith("\"stream\":true").includeUsage()).isFalse();
        assertThat(decodeWith("\"stream\":true,\"stream_options\":{}").includeUsage()).isFalse();
    }

    @Test
    void decode_samplingParameters_andUnknownFieldsIgnored() {
        ChatRequest r = decodeWith("""
                "temperature":0.7,"top_p":1,"seed":-3,"n":2,"presence_penalty":-2,"frequency_penalty":2,
                "reasoning_effort":"low","user":"u-1","parallel_tool_calls":false,"logit_bias":{"1":2},"metadata":{"a":"b"}""");
        assertThat(r.params()).isEqualTo(new GenerationParams(0.7, 1.0, null, List.of(), -3L, 2, -2.0, 2.0, "low"));
        assertThat(r.user()).isEqualTo("u-1");
        assertThat(r.parallelToolCalls()).isFalse();
    }

    @Test
    void decode_boundaryTemperatures_areAccepted() {
        assertThat(decodeWith("\"temperature\":0").params().temperature()).isEqualTo(0.0);
        assertThat(decodeWith("\"temperature\":2").params().temperature()).isEqualTo(2.0);
    }

    static Stream<Arguments> invalidRequests() {
        String m = "\"model\":\"m\"";
        return Stream.of(
                Arguments.of("{" + USER_HI + "}", "model"),
                Arguments.of("{\"model\":42," + USER_HI + "}", "model"),
                Arguments.of("{\"model\":\"  \"," + USER_HI + "}", "model"),
                Arguments.of("{" + m + "}", "messages"),
                Arguments.of("{" + m + ",\"messages\":null}", "messages"),
                Arguments.of("{" + m + ",\"messages\":\"hi\"}", "messages"),
                Arguments.of("{" + m + ",\"messages\":[]}", "messages"),
                Arguments.of("{" + m + ",\"messages\":[\"hi\"]}", "messages[0]"),
                Arguments.of("{" + m + ",\"messages\":[{\"content\":\"hi\"}]}", "messages[0].role"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"robot\",\"content\":\"b\"}]}", "messages[1].role"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\"}]}", "messages[0].content"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"assistant\"}]}", "messages[0].content"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].tool_call_id"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]}", "messages[0].content[0].type"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}", "messages[0].content[0].type"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}", "messages[0].content[0].text"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}}]}]}",
                        "messages[0].content[0].image_url.url"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\"}]}]}",
                        "messages[0].tool_calls[0].function"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\"}}]}]}",
                        "messages[0].tool_calls[0].function.arguments"),
                Arguments.of("{" + m + ",\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"name\":1}]}", "messages[0].name"),
                Arguments.of("{" + m + "," + USER_HI + ",\"temperature\":\"hot\"}", "temperature"),
                Arguments.of("{" + m + "," + USER_HI + ",\"temperature\":3}", "temperature"),
                Arguments.of("{" + m + "," + USER_HI + ",\"temperature\":-0.1}", "temperature"),
                Arguments.of("{" + m + "," + USER_HI + ",\"top_p\":1.5}", "top_p"),
                Arguments.of("{" + m + "," + USER_HI + ",\"presence_penalty\":2.5}", "presence_penalty"),
                Arguments.of("{" + m + "," + USER_HI + ",\"max_tokens\":0}", "max_tokens"),
                Arguments.of("{" + m + "," + USER_HI + ",\"max_tokens\":1.5}", "max_tokens"),
                Arguments.of("{" + m + "," + USER_HI + ",\"max_tokens\":2147483648}", "max_tokens"),
                Arguments.of("{" + m + "," + USER_HI + ",\"max_completion_tokens\":-1}", "max_completion_tokens"),
                Arguments.of("{" + m + "," + USER_HI + ",\"n\":0}", "n"),
                Arguments.of("{" + m + "," + USER_HI + ",\"n\":129}", "n"),
                Arguments.of("{" + m + "," + USER_HI + ",\"n\":2147483647}", "n"),
                Arguments.of("{" + m + "," + USER_HI + ",\"seed\":\"x\"}", "seed"),
                Arguments.of("{" + m + "," + USER_HI + ",\"stop\":[1]}", "stop"),
                Arguments.of("{" + m + "," + USER_HI + ",\"stop\":5}", "stop"),
                Arguments.of("{" + m + "," + USER_HI + ",\"stream\":\"yes\"}", "stream"),
                Arguments.of("{" + m + "," + USER_HI + ",\"stream_options\":true}", "stream_options"),
                Arguments.of("{" + m + "," + USER_HI + ",\"stream_options\":{\"include_usage\":\"x\"}}", "stream_options.include_usage"),
                Arguments.of("{" + m + "," + USER_HI + ",\"parallel_tool_calls\":\"yes\"}", "parallel_tool_calls"),
                Arguments.of("{" + m + "," + USER_HI + ",\"user\":7}", "user"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tools\":{}}", "tools"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tools\":[{\"type\":\"function\"}]}", "tools[0].function"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tools\":[{\"type\":5,\"function\":{\"name\":\"f\"}}]}", "tools[0].type"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tools\":[{\"function\":{\"description\":\"d\"}}]}", "tools[0].function.name"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tools\":[{\"function\":{\"name\":\"f\",\"parameters\":\"x\"}}]}",
                        "tools[0].function.parameters"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tool_choice\":\"sometimes\"}", "tool_choice"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tool_choice\":{\"type\":\"function\"}}", "tool_choice"),
                Arguments.of("{" + m + "," + USER_HI + ",\"tools\":[{\"function\":{\"name\":\"f\"}}],"
                        + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}", "tool_choice"),
                Arguments.of("{" + m + "," + USER_HI + ",\"response_format\":\"json\"}", "response_format"),
                Arguments.of("{" + m + "," + USER_HI + ",\"response_format\":{}}", "response_format.type"),
                Arguments.of("{" + m + "," + USER_HI + ",\"response_format\":{\"type\":\"yaml\"}}", "response_format.type"),
                Arguments.of("{" + m + "," + USER_HI + ",\"response_format\":{\"type\":\"json_schema\"}}", "response_format.json_schema"),
                Arguments.of("{" + m + "," + USER_HI + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}}}",
                        "response_format.json_schema.name"));
    }

    @ParameterizedTest(name = "{1} <- {0}")
    @MethodSource("invalidRequests")
    void decode_invalidRequest_is400NamingTheParam(String json, String param) {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> decode(json));
        assertThat(e).as("no error for %s", json).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.kind().code()).isEqualTo("invalid_request");
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void decode_bodyNotAnObject_is400WithoutParam() {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> decode("[1,2]"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isNull();
    }
}
