package dev.switchboard.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI SDK (natively) and the Anthropic SDK (through the canonical model) against {@code azure}
 * deployments on the standalone simulator, which speaks Azure's paths: the dated API when the
 * deployment has an {@code apiVersion} (deployment in the path, version in the query, no
 * {@code model} in the body) and the v1 API otherwise ({@code model} = the Azure deployment name),
 * the key always in {@code api-key} and never as a bearer token.
 */
class AzureThroughGatewayTest extends SimulatorBackedTest {

    static final String AZURE_KEY = "azure-resource-key-0123456789";
    static final String VERSION = "2024-10-21";
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder()
                .env("AZURE_OPENAI_ENDPOINT", sim.rootUrl())
                .env("AZURE_OPENAI_API_KEY", "azure-env-key-0123456789")
                .config("""
                        models:
                          azure-dated:
                            - { provider: azure, upstreamModel: my-gpt-4o, baseUrl: %1$s, apiVersion: "%2$s", credentials: { apiKey: %3$s } }
                          azure-v1:
                            - { provider: azure, upstreamModel: my-gpt-4o-mini, baseUrl: %1$s/, credentials: { apiKey: %3$s } }
                          azure-from-env:
                            - { provider: azure, upstreamModel: env-deployment, apiVersion: "%2$s" }
                          azure-embed:
                            - { provider: azure, upstreamModel: my-embeddings, baseUrl: %1$s, apiVersion: "%2$s", credentials: { apiKey: %3$s } }
                        """.formatted(sim.rootUrl(), VERSION, AZURE_KEY))
                .start();
        client = gw.openai();
    }

    private static ChatCompletionCreateParams.Builder chat(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    private static void assertAzureAuth(SimulatorServer.Received r, String key) {
        assertThat(r.headers().get("api-key")).isEqualTo(key);
        assertThat(r.headers().get("authorization")).isNull();
    }

    @Test
    void datedApi_json_deploymentInPathVersionInQuery_noModelInBody() {
        ChatCompletion c = client.chat().completions().create(chat("azure-dated", "Hello there, Azure").build());
        assertThat(c.model()).isEqualTo("azure-dated");
        assertThat(c.choices().get(0).message().content()).contains("Hello there, Azure");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        SimulatorServer.Received r = sim.last();
        assertThat(r.path()).isEqualTo("/openai/deployments/my-gpt-4o/chat/completions");
        assertThat(r.query()).isEqualTo("api-version=" + VERSION);
        assertAzureAuth(r, AZURE_KEY);
        assertThat(r.json().has("model")).isFalse();
        assertThat(r.json().at("/messages/0/content").asText()).isEqualTo("Hello there, Azure");
    }

    @Test
    void v1Api_json_modelIsTheAzureDeployment() {
        ChatCompletion c = client.chat().completions().create(chat("azure-v1", "Hi v1").build());
        assertThat(c.model()).isEqualTo("azure-v1");
        SimulatorServer.Received r = sim.last();
        assertThat(r.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(r.query()).isNull();
        assertAzureAuth(r, AZURE_KEY);
        assertThat(r.json().get("model").asText()).isEqualTo("my-gpt-4o-mini");
    }

    @Test
    void datedApi_stream_withUsage() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("azure-dated", "one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = s.stream().toList();
        }
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("one two three four");
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("azure-dated"));
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(4);
        SimulatorServer.Received r = sim.last();
        assertThat(r.path()).isEqualTo("/openai/deployments/my-gpt-4o/chat/completions");
        assertThat(r.query()).isEqualTo("api-version=" + VERSION);
        assertAzureAuth(r, AZURE_KEY);
        assertThat(r.json().has("model")).isFalse();
        assertThat(r.json().at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void v1Api_stream_usageAskedUpstreamEvenWhenClientDidNot() {
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("azure-v1", "a b").build())) {
            assertThat(s.stream().filter(c -> c.usage().isPresent()).count()).isZero();
        }
        assertThat(sim.last().path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(sim.last().json().at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(sim.last().json().get("model").asText()).isEqualTo("my-gpt-4o-mini");
    }

    @Test
    void v1Api_toolCall() throws Exception {
        FunctionDefinition weather = FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
        ChatCompletion c = client.chat().completions().create(chat("azure-v1", "Weather in Paris?").addFunctionTool(weather).build());
        var choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Json.parse(call.function().arguments()).get("city").asText()).isEqualTo("city");
        assertThat(sim.last().json().at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertAzureAuth(sim.last(), AZURE_KEY);
    }

    @Test
    void contentFilterRefusal_isContentPolicyViolation() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("azure-dated", "something [sim status=400]").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("content_policy_violation");
                    assertThat(e.getMessage()).doesNotContain("ResponsibleAIPolicyViolation");
                });
    }

    @Test
    void deploymentWithoutBaseUrlOrKey_usesAzureEnvironment() {
        client.chat().completions().create(chat("azure-from-env", "hello env").build());
        SimulatorServer.Received r = sim.last();
        assertThat(r.path()).isEqualTo("/openai/deployments/env-deployment/chat/completions");
        assertAzureAuth(r, "azure-env-key-0123456789");
    }

    @Test
    void directRouting_azurePrefix_usesV1ApiWithTheEnvironment() {
        ChatCompletion c = client.chat().completions().create(chat("azure/direct-deployment", "hello direct").build());
        assertThat(c.model()).isEqualTo("azure/direct-deployment");
        SimulatorServer.Received r = sim.last();
        assertThat(r.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(r.json().get("model").asText()).isEqualTo("direct-deployment");
        assertAzureAuth(r, "azure-env-key-0123456789");
    }

    @Test
    void embeddings_datedApi() {
        CreateEmbeddingResponse e = client.embeddings().create(EmbeddingCreateParams.builder().model("azure-embed")
                .input("alpha beta").dimensions(8).build());
        assertThat(e.model()).isEqualTo("azure-embed");
        assertThat(e.data().get(0).embedding()).hasSize(8);
        SimulatorServer.Received r = sim.last();
        assertThat(r.path()).isEqualTo("/openai/deployments/my-embeddings/embeddings");
        assertThat(r.query()).isEqualTo("api-version=" + VERSION);
        assertAzureAuth(r, AZURE_KEY);
        assertThat(r.json().has("model")).isFalse();
    }

    @Test
    void responseHeaders_nameTheAzureProvider() {
        HttpResponse<String> resp = gw.post("/v1/chat/completions", "{\"model\":\"azure-dated\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer " + GatewayFixture.MASTER_KEY);
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("x-switchboard-provider")).contains("azure");
        assertThat(resp.headers().firstValue("x-switchboard-upstream-model")).isPresent();
    }

    @Test
    void anthropicSdk_overAzure_canonicalMode() {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().apiKey(GatewayFixture.MASTER_KEY).baseUrl(gw.url(""))
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("azure-dated").maxTokens(64)
                .system("Be exact").addUserMessage("Hello from Anthropic").build());
        assertThat(m.model().asString()).isEqualTo("azure-dated");
        assertThat(m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).collect(Collectors.joining()))
                .isEqualTo("Hello from Anthropic");
        SimulatorServer.Received r = sim.last();
        assertThat(r.path()).isEqualTo("/openai/deployments/my-gpt-4o/chat/completions");
        assertThat(r.query()).isEqualTo("api-version=" + VERSION);
        assertAzureAuth(r, AZURE_KEY);
        JsonNode body = r.json();
        assertThat(body.has("model")).isFalse();
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/1/content").isMissingNode()).isFalse();
    }
}
