package dev.switchboard.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorRendererTest {

    @Test
    void shapeFor_picksTheFormatByPath() {
        assertThat(ErrorRenderer.shapeFor("/v1/messages")).isEqualTo(ErrorRenderer.Shape.ANTHROPIC);
        assertThat(ErrorRenderer.shapeFor("/v1/messages/count_tokens")).isEqualTo(ErrorRenderer.Shape.ANTHROPIC);
        assertThat(ErrorRenderer.shapeFor("/v1/messagesx")).isEqualTo(ErrorRenderer.Shape.OPENAI);
        assertThat(ErrorRenderer.shapeFor("/v1beta/models/x:generateContent")).isEqualTo(ErrorRenderer.Shape.GEMINI);
        assertThat(ErrorRenderer.shapeFor("/v1/chat/completions")).isEqualTo(ErrorRenderer.Shape.OPENAI);
        assertThat(ErrorRenderer.shapeFor("/admin/keys")).isEqualTo(ErrorRenderer.Shape.OPENAI);
    }

    @Test
    void anUnsupportedParameter_isNamedAsTheClientsFormatNamesIt() {
        GatewayError user = new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter 'user' is not supported by provider gemini.",
                "user", -1, false);
        assertThat(ErrorRenderer.anthropicBody(user, null).at("/error/message").asText())
                .isEqualTo("Parameter 'metadata.user_id' is not supported by provider gemini.");
        GatewayError parallel = new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter 'parallel_tool_calls' is not supported.",
                "parallel_tool_calls", -1, false);
        assertThat(ErrorRenderer.anthropicBody(parallel, null).at("/error/message").asText()).contains("'tool_choice.disable_parallel_tool_use'");

        GatewayError stop = new GatewayError(ErrorKind.UNSUPPORTED_PARAMETER, "Parameter 'stop' is not supported by provider x.", "stop", -1, false);
        var gemini = ErrorRenderer.geminiBody(stop);
        assertThat(gemini.at("/error/message").asText()).isEqualTo("Parameter 'generationConfig.stopSequences' is not supported by provider x.");
        assertThat(gemini.at("/error/details/0/metadata/param").asText()).isEqualTo("generationConfig.stopSequences");

        assertThat(ErrorRenderer.openAiBody(stop).at("/error/param").asText()).as("OpenAI's own names stay").isEqualTo("stop");
        GatewayError other = new GatewayError(ErrorKind.INVALID_REQUEST, "'stop' must be a string.", "stop", -1, false);
        assertThat(ErrorRenderer.geminiBody(other).at("/error/message").asText()).as("only refusals of a parameter").isEqualTo("'stop' must be a string.");
    }

    @Test
    void anthropicType_ofEveryKind_followsAnthropicsStatusTable() {
        Map<ErrorKind, String> expected = new EnumMap<>(ErrorKind.class);
        for (ErrorKind k : ErrorKind.values()) {
            expected.put(k, switch (k.status()) {
                case 400, 405, 414, 415, 431 -> "invalid_request_error"; // Anthropic: "other 4xx"
                case 401 -> "authentication_error";
                case 403 -> "permission_error";
                case 404 -> "not_found_error";
                case 409 -> "conflict_error";
                case 413 -> "request_too_large";
                case 429 -> "rate_limit_error";
                case 503 -> "overloaded_error";
                case 504 -> "timeout_error";
                default -> "api_error";
            });
        }
        for (ErrorKind k : ErrorKind.values()) assertThat(ErrorRenderer.anthropicType(k)).as(k.name()).isEqualTo(expected.get(k));
    }

    @Test
    void anthropicBody_hasNoParam_andCarriesTheRequestId() {
        var body = ErrorRenderer.anthropicBody(GatewayError.invalid("messages", "Missing required parameter: 'messages'."), "req_1");
        assertThat(body.toString()).isEqualTo(
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Missing required parameter: 'messages'.\"},"
                        + "\"request_id\":\"req_1\"}");
        assertThat(ErrorRenderer.anthropicStreamError(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "x"), null).toString())
                .isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"}}\n\n");
    }

    @Test
    void geminiBody_usesGooglesStatusNames() {
        assertThat(ErrorRenderer.geminiBody(GatewayError.of(ErrorKind.RATE_LIMIT_EXCEEDED, "slow down")).toString())
                .isEqualTo("{\"error\":{\"code\":429,\"message\":\"slow down\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":"
                        + "[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"RATE_LIMIT_EXCEEDED\",\"domain\":\"switchboard\"}]}}");
        assertThat(ErrorRenderer.geminiStatus(ErrorKind.INVALID_API_KEY)).isEqualTo("UNAUTHENTICATED");
        assertThat(ErrorRenderer.geminiStatus(ErrorKind.MODEL_NOT_ALLOWED)).isEqualTo("PERMISSION_DENIED");
        assertThat(ErrorRenderer.geminiStatus(ErrorKind.MODEL_NOT_FOUND)).isEqualTo("NOT_FOUND");
        assertThat(ErrorRenderer.geminiStatus(ErrorKind.INVALID_REQUEST)).isEqualTo("INVALID_ARGUMENT");
        assertThat(ErrorRenderer.geminiStatus(ErrorKind.TIMEOUT)).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(ErrorRenderer.geminiStatus(ErrorKind.SERVICE_UNAVAILABLE)).isEqualTo("UNAVAILABLE");
        assertThat(ErrorRenderer.geminiStatus(ErrorKind.INTERNAL)).isEqualTo("INTERNAL");
    }
}
