package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.core.JsonValue;
import com.openai.errors.OpenAIServiceException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.testing.TestServiceAccount;
import dev.switchboard.transport.Json;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every adapter of the build, driven by what its {@link Capabilities} declare, through the
 * official OpenAI SDK against the simulator speaking that adapter's wire format: chat answers,
 * streams (with usage where the provider gives it), tool calls, and embeddings either served or
 * refused with a 4xx. A new adapter must add its simulator deployment to {@link #DEPLOYMENTS},
 * or {@link #everyRegisteredProvider_isCovered} fails.
 */
class ProviderConformanceTest extends SimulatorBackedTest {

    static final ProviderRegistry REGISTRY = ProviderRegistry.standard(Clock.systemUTC());

    /** Provider id → the YAML deployment fields that put it on the simulator (%s: OpenAI base, %r: host root). */
    static final Map<String, String> DEPLOYMENTS = deployments();

    static Map<String, String> deployments() {
        Map<String, String> d = new java.util.TreeMap<>();
        for (String openAiFamily : List.of("openai", "mistral", "groq", "xai", "deepseek", "together", "fireworks", "openrouter",
                "perplexity", "ollama", "lmstudio", "vllm", "openai-compatible")) {
            d.put(openAiFamily, "baseUrl: \"%s\", credentials: { apiKey: k }");
        }
        d.put("azure", "baseUrl: \"%r\", credentials: { apiKey: k }");
        d.put("anthropic", "baseUrl: \"%r\", credentials: { apiKey: k }");
        d.put("gemini", "baseUrl: \"%r\", credentials: { apiKey: k }");
        d.put("cohere", "baseUrl: \"%r\", credentials: { apiKey: k }");
        d.put("bedrock", "baseUrl: \"%r\", credentials: { accessKeyId: AKIDCONFORMANCE, secretAccessKey: s, region: us-east-1 }");
        d.put("vertex", "baseUrl: \"%r\", credentials: { serviceAccountJson: \"${VERTEX_SA}\", project: conf, location: us-central1 }");
        d.put("simulator", "");
        return d;
    }

    @BeforeAll
    static void start() {
        StringBuilder yaml = new StringBuilder("models:\n");
        DEPLOYMENTS.forEach((id, fields) -> {
            String f = fields.replace("%s", sim.baseUrl()).replace("%r", sim.rootUrl());
            yaml.append("  conf-").append(id).append(":\n    - { provider: ").append(id).append(", upstreamModel: up-").append(id)
                    .append(f.isEmpty() ? "" : ", " + f).append(" }\n");
        });
        // Vertex signs in with a service account made for this run, whose public key the simulator's token endpoint trusts
        String vertexAccount = TestServiceAccount.trustedBy(sim, "conformance").json();
        gw = GatewayFixture.builder().env("VERTEX_SA", vertexAccount).config(yaml.toString()).start();
    }

    static Stream<String> providers() {
        return REGISTRY.all().stream().map(Provider::id).filter(DEPLOYMENTS::containsKey).sorted();
    }

    static Capabilities caps(String id) {
        return REGISTRY.find(id).orElseThrow().capabilities();
    }

    @Test
    void everyRegisteredProvider_isCovered() {
        assertThat(REGISTRY.all().stream().map(Provider::id).filter(id -> !DEPLOYMENTS.containsKey(id)).collect(Collectors.toList()))
                .as("adapters without a simulator deployment in this test").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void chat_answers(String id) {
        assertThat(caps(id).chat()).isTrue();
        ChatCompletion c = gw.openai().chat().completions().create(ChatCompletionCreateParams.builder().model("conf-" + id)
                .addUserMessage("conformance words here").build());
        assertThat(c.model()).isEqualTo("conf-" + id);
        assertThat(c.choices().getFirst().message().content()).contains("conformance words here");
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isPositive());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void stream_deliversText_andUsageWhereTheProviderTakesTheOption(String id) {
        if (!caps(id).streaming()) return;
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var s = gw.openai().chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("conf-" + id)
                .addUserMessage("streamed conformance words")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().getFirst().message().content()).contains("streamed conformance words");
        // Servers that send usage unasked (streamUsageAlways: Mistral, Perplexity) are not emulated by the
        // OpenAI-format simulator, which sends it only when asked: those are checked by their presets' tests.
        if (caps(id).streamUsageOption()) {
            assertThat(c.usage()).as("usage on a stream of %s", id).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void tools_callAToolWithJsonArguments(String id) {
        if (!caps(id).tools()) return;
        ChatCompletion c = gw.openai().chat().completions().create(ChatCompletionCreateParams.builder().model("conf-" + id)
                .addUserMessage("call the tool")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("lookup")
                        .description("Look a word up")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("word", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("word")))
                                .build()).build()).build())
                .build());
        var call = c.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction().function();
        assertThat(call.name()).isEqualTo("lookup");
        assertThat(parse(call.arguments()).path("word").isTextual()).as(call.arguments()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void embeddings_servedOrRefusedWithA4xx(String id) {
        EmbeddingCreateParams params = EmbeddingCreateParams.builder().model("conf-" + id).input("embed these words").build();
        if (caps(id).embeddings()) {
            var e = gw.openai().embeddings().create(params);
            assertThat(e.data().getFirst().embedding()).isNotEmpty();
        } else {
            assertThatThrownBy(() -> gw.openai().embeddings().create(params))
                    .isInstanceOfSatisfying(OpenAIServiceException.class, ex -> assertThat(ex.statusCode()).isBetween(400, 499));
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
