package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.error.GatewayError;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.model.Usage;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.EventStreamDecoder;
import dev.switchboard.transport.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Canonical ↔ Converse: the request encoder, the JSON and stream decoders, and credential resolution. */
class BedrockCodecTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static JsonNode json(String s) throws Exception {
        return Json.parse(s);
    }

    private static ChatRequest request(List<Message> messages, List<Tool> tools, ToolChoice choice, GenerationParams params) {
        return new ChatRequest("m", messages, tools, choice, null, params, null, false, false, null);
    }

    static final String CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";

    private static JsonNode encode(ChatRequest r, boolean reject) {
        return BedrockRequestEncoder.encode(r, CLAUDE, reject);
    }

    @Test
    void encode_conversationWithToolsResultsImagesReasoningAndSystem() throws Exception {
        List<Message> messages = List.of(
                Message.text(Role.SYSTEM, "Be brief"),
                new Message(Role.USER, List.of(new ContentPart.Text("Look"),
                        new ContentPart.Image("data:image/png;base64,iVBOR", null, null, null)), null),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Reasoning("thinking", "sig-1", false),
                        new ContentPart.ToolCall("tu_1", "get_weather", "{\"city\":\"Paris\"}")), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("tu_1", List.of(new ContentPart.Text("sunny")), false)), null),
                Message.text(Role.USER, "Thanks"));
        Tool tool = new Tool("get_weather", "Weather", json("{\"type\":\"object\"}"), null);
        GenerationParams params = new GenerationParams(0.2, 0.9, 100, List.of("END"), null, null, null, null, "low");
        JsonNode body = encode(request(messages, List.of(tool), new ToolChoice.Named("get_weather"), params), true);
        // compared as parsed from text, so numbers are of one kind on both sides
        assertThat(json(body.toString())).isEqualTo(json("""
                {"messages":[
                  {"role":"user","content":[{"text":"Look"},{"image":{"format":"png","source":{"bytes":"iVBOR"}}}]},
                  {"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"thinking","signature":"sig-1"}}},
                                                 {"toolUse":{"toolUseId":"tu_1","name":"get_weather","input":{"city":"Paris"}}}]},
                  {"role":"user","content":[{"toolResult":{"toolUseId":"tu_1","content":[{"text":"sunny"}]}},{"text":"Thanks"}]}],
                 "system":[{"text":"Be brief"}],
                 "inferenceConfig":{"maxTokens":100,"temperature":0.2,"topP":0.9,"stopSequences":["END"]},
                 "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"Weather","inputSchema":{"json":{"type":"object"}}}}],
                               "toolChoice":{"tool":{"name":"get_weather"}}},
                 "additionalModelRequestFields":{"thinking":{"type":"enabled","budget_tokens":1024}}}"""));
    }

    @Test
    void encode_thinkingAfterAToolTurnWithoutItsSignedReasoning_isLeftOut_orRefusedUnderReject() {
        List<Message> messages = List.of(Message.text(Role.USER, "Look"),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Reasoning("unsigned", null, false),
                        new ContentPart.ToolCall("tu_1", "get_weather", "{}")), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("tu_1", List.of(new ContentPart.Text("sunny")), false)), null));
        GenerationParams params = new GenerationParams(null, null, null, null, null, null, null, null, "low");
        Tool tool = new Tool("get_weather", null, null, null);
        assertThat(encode(request(messages, List.of(tool), null, params), false).has("additionalModelRequestFields")).isFalse();
        GatewayError refused = org.assertj.core.api.Assertions.catchThrowableOfType(GatewayError.class,
                () -> encode(request(messages, List.of(tool), null, params), true));
        assertThat(refused.param()).isEqualTo("reasoning_effort");
    }

    @Test
    void encode_systemMessagesAlone_areTheUserTurn() throws Exception {
        JsonNode body = encode(request(List.of(Message.text(Role.SYSTEM, "Say hi.")), List.of(), null, null), false);
        assertThat(body.has("system")).isFalse();
        assertThat(body.get("messages")).isEqualTo(Json.parse("[{\"role\":\"user\",\"content\":[{\"text\":\"Say hi.\"}]}]"));
    }

    @Test
    void encode_failedToolResult_andRequiredChoice_andRejectPolicy() throws Exception {
        List<Message> messages = List.of(Message.text(Role.USER, "go"),
                new Message(Role.ASSISTANT, List.of(new ContentPart.ToolCall("tu_1", "f", "")), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("tu_1", List.of(new ContentPart.Text("boom")), true)), null));
        JsonNode body = encode(request(messages, List.of(new Tool("f", null, null, null)), ToolChoice.REQUIRED, null), false);
        assertThat(body.at("/messages/1/content/0/toolUse/input")).isEqualTo(json("{}"));
        assertThat(body.at("/messages/2/content/0/toolResult/status").asText()).isEqualTo("error");
        assertThat(body.at("/toolConfig/toolChoice")).isEqualTo(json("{\"any\":{}}"));
        assertThat(body.at("/toolConfig/tools/0/toolSpec/inputSchema/json")).isEqualTo(json("{\"type\":\"object\"}"));
        GenerationParams seeded = new GenerationParams(null, null, null, null, 7L, null, null, null, null);
        assertThatThrownBy(() -> encode(request(List.of(Message.text(Role.USER, "x")), null, null, seeded), true))
                .isInstanceOf(GatewayError.class).hasMessageContaining("seed");
        assertThat(encode(request(List.of(Message.text(Role.USER, "x")), null, null, seeded), false).has("seed")).isFalse();
        assertThatThrownBy(() -> encode(request(List.of(new Message(Role.USER,
                List.of(new ContentPart.Image("https://x/y.png", null, null, null)), null)), null, null, null), false))
                .isInstanceOf(GatewayError.class).hasMessageContaining("inline");
    }

    @Test
    void decode_json_toolUseReasoningStopReasonAndUsageWithCache() throws Exception {
        ChatResponse r = BedrockResponseDecoder.decode(json("""
                {"output":{"message":{"role":"assistant","content":[
                   {"reasoningContent":{"reasoningText":{"text":"hmm","signature":"sig"}}},
                   {"text":"Calling"},
                   {"toolUse":{"toolUseId":"tu_9","name":"f","input":{"a":1}}}]}},
                 "stopReason":"tool_use",
                 "usage":{"inputTokens":10,"outputTokens":5,"totalTokens":45,"cacheReadInputTokens":20,"cacheWriteInputTokens":10}}"""),
                "bedrock-1", "model-x", CLOCK, null);
        ChatResponse.Choice c = r.choices().getFirst();
        assertThat(c.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(c.message().content()).containsExactly(new ContentPart.Reasoning("hmm", "sig", false), new ContentPart.Text("Calling"),
                new ContentPart.ToolCall("tu_9", "f", "{\"a\":1}"));
        // canonical input includes cache reads and writes: 10 + 20 + 10
        assertThat(r.usage()).isEqualTo(new Usage(40, 5, 20, 10, 0, false));
        assertThat(r.usage().totalTokens()).isEqualTo(45);
        assertThat(BedrockResponseDecoder.finishReason("max_tokens", false)).isEqualTo(FinishReason.LENGTH);
        assertThat(BedrockResponseDecoder.finishReason("guardrail_intervened", false)).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(BedrockResponseDecoder.finishReason("content_filtered", false)).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(BedrockResponseDecoder.finishReason("stop_sequence", false)).isEqualTo(FinishReason.STOP);
    }

    static EventStreamDecoder.Frame frame(String type, String payload) {
        return new EventStreamDecoder.Frame(Map.of(":event-type", type, ":message-type", "event"), payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decode_stream_textReasoningToolCallFinishThenUsage() {
        BedrockStreamDecoder d = new BedrockStreamDecoder("id-1", "model-x", 7, null);
        List<StreamEvent> out = new ArrayList<>();
        for (EventStreamDecoder.Frame f : List.of(
                frame("messageStart", "{\"role\":\"assistant\"}"),
                frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"hm\"}}}"),
                frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"sig\"}}}"),
                frame("contentBlockStop", "{\"contentBlockIndex\":0}"),
                frame("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"Hi\"}}"),
                frame("contentBlockStart", "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"tu_1\",\"name\":\"f\"}}}"),
                frame("contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"a\\\":\"}}}"),
                frame("contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"1}\"}}}"),
                frame("contentBlockStop", "{\"contentBlockIndex\":2}"),
                frame("messageStop", "{\"stopReason\":\"tool_use\"}"),
                frame("metadata", "{\"usage\":{\"inputTokens\":3,\"outputTokens\":4,\"totalTokens\":9,\"cacheReadInputTokens\":2},\"metrics\":{\"latencyMs\":5}}"))) {
            d.onEvent(f, out::add);
        }
        d.onEnd(out::add);
        assertThat(out).containsExactly(
                new StreamEvent.Start("id-1", "model-x", 7),
                new StreamEvent.ReasoningDelta(0, "hm", null),
                new StreamEvent.ReasoningDelta(0, null, "sig"),
                new StreamEvent.TextDelta(0, "Hi"),
                new StreamEvent.ToolCallStart(0, 0, "tu_1", "f"),
                new StreamEvent.ToolCallDelta(0, 0, "{\"a\":"),
                new StreamEvent.ToolCallDelta(0, 0, "1}"),
                new StreamEvent.Finish(0, FinishReason.TOOL_CALLS),
                new StreamEvent.UsageSoFar(new Usage(5, 4, 2, 0, 0, false)), // counted as it comes, for a stream cut short
                new StreamEvent.UsageReport(new Usage(5, 4, 2, 0, 0, false)));
    }

    private static DeploymentSpec spec(Map<String, String> credentials, String baseUrl) {
        return new DeploymentSpec("dep_1", "m", "bedrock", "amazon.nova-lite-v1:0", credentials, baseUrl, null, 1, null, null, null,
                null, null, Map.of(), true, "file");
    }

    @Test
    void servable_regionGivesTheEndpoint_environmentCompletesTheCredentials() {
        BedrockProvider p = new BedrockProvider(CLOCK);
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "s", "AWS_SESSION_TOKEN", "tok",
                "AWS_DEFAULT_REGION", "eu-west-1");
        Deployment d = p.servable(spec(Map.of(), null), env::get, null);
        assertThat(d.baseUrl().toString()).isEqualTo("https://bedrock-runtime.eu-west-1.amazonaws.com");
        assertThat(d.spec().credentials()).containsEntry("accessKeyId", "AKIDENV").containsEntry("sessionToken", "tok")
                .containsEntry("region", "eu-west-1");
        // the deployment's own key never borrows the environment's session token; its region wins
        Deployment own = p.servable(spec(Map.of("accessKeyId", "AKIDOWN", "secretAccessKey", "x", "region", "us-east-2"), "http://127.0.0.1:9/"),
                env::get, null);
        assertThat(own.baseUrl().toString()).isEqualTo("http://127.0.0.1:9");
        assertThat(own.spec().credentials()).doesNotContainKey("sessionToken").containsEntry("region", "us-east-2");
        assertThatThrownBy(() -> p.servable(spec(Map.of("accessKeyId", "AKIDOWN"), null), env::get, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("credentials.secretAccessKey");
        assertThatThrownBy(() -> p.servable(spec(Map.of(), null), Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b")::get, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("credentials.region");
    }

    @Test
    void exceptionFrames_areClassifiedByTheirType() throws Exception {
        assertThat(BedrockErrors.exception("throttlingException", null, "d").failureClass()).isEqualTo(dev.switchboard.routing.FailureClass.THROTTLE);
        assertThat(BedrockErrors.exception("validationException", null, "d").failureClass()).isEqualTo(dev.switchboard.routing.FailureClass.REQUEST);
        assertThat(BedrockErrors.exception("modelStreamErrorException", null, "d").failureClass())
                .isEqualTo(dev.switchboard.routing.FailureClass.TRANSIENT);
        assertThat(BedrockErrors.classify(400, -1, json("{\"message\":\"Input is too long for requested model.\"}"), "d").error().kind())
                .isEqualTo(dev.switchboard.error.ErrorKind.CONTEXT_LENGTH_EXCEEDED);
    }
}
