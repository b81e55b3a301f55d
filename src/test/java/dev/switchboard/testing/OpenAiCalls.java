package dev.switchboard.testing;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.List;
import java.util.Map;

/** What the tests that drive the gateway through the official OpenAI SDK share. */
public final class OpenAiCalls {

    private OpenAiCalls() {}

    /** Every chunk of a streamed chat completion, read to its end. */
    public static List<ChatCompletionChunk> stream(OpenAIClient client, ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            return s.stream().toList();
        }
    }

    /** {@code get_weather(city, unit?, days?)}: a required string, an enum and a bounded integer for the simulator to fill. */
    public static FunctionDefinition weatherTool() {
        return FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string"),
                                "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")),
                                "days", Map.of("type", "integer", "minimum", 2))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }
}
