package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SimulatorBackedTest;
import dev.switchboard.transport.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /v1/completions} through the OpenAI SDK: served through chat in canonical mode, by
 * an openai-compatible deployment (the standalone simulator, asked for a chat completion, never
 * for its legacy endpoint), an Azure deployment and the in-process simulator. {@code gw} keeps the
 * default parameter policy ({@code drop}); {@code strict} has {@code unsupportedParameters: reject}.
 */
class CompletionsTest extends SimulatorBackedTest {

    static final String MODELS = """
            models:
              compat:
                - { provider: openai-compatible, upstreamModel: sim-model-v1, baseUrl: %s }
              azure:
                - { provider: azure, upstreamModel: my-gpt-35, baseUrl: %s, apiVersion: "2024-10-21", credentials: { apiKey: az-key-123 } }
              local:
                - { provider: simulator, upstreamModel: echo }
            """;
    static GatewayFixture strict;
    static OpenAIClient client;
    static OpenAIClient strictClient;

    @BeforeAll
    static void start() {
        String models = MODELS.formatted(sim.baseUrl(), sim.rootUrl());
        gw = GatewayFixture.builder().config(models).start();
        strict = GatewayFixture.builder().config(models + "router: { unsupportedParameters: reject }\n").start();
        client = gw.openai();
        strictClient = strict.openai();
    }

    @AfterAll
    static void stopStrict() {
        strict.close();
    }

    private static CompletionCreateParams.Builder completion(String model, String prompt) {
        return CompletionCreateParams.builder().model(model).prompt(prompt);
    }

    @Test
    void json_overOpenAiCompatible_isATextCompletionFromChatUpstream() {
        Completion c = client.completions().create(completion("compat", "Hello there, gateway").maxTokens(50)
                .temperature(0.5).stop("END").user("u-1").build());
        assertThat(c._object_()).isEqualTo(JsonValue.from("text_completion"));
        assertThat(c.id()).startsWith("cmpl-");
        assertThat(c.model()).isEqualTo("compat");
        assertThat(c.choices()).hasSize(1);
        CompletionChoice choice = c.choices().get(0);
        assertThat(choice.text()).isEqualTo("Hello there, gateway");
        assertThat(choice.index()).isZero();
        assertThat(choice.finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        // one user message: 3 + (3 + 3) in, 3 out
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(12);

        assertThat(sim.last().path()).isEqualTo("/v1/chat/completions");
        JsonNode upstream = sim.last().json();
        assertThat(upstream.get("model").asText()).isEqualTo("sim-model-v1");
        assertThat(upstream.has("prompt")).isFalse();
        assertThat(upstream.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(upstream.at("/messages/0/content").asText()).isEqualTo("Hello there, gateway");
        assertThat(upstream.get("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(upstream.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(upstream.at("/stop/0").asText()).isEqualTo("END");
        assertThat(upstream.get("user").asText()).isEqualTo("u-1");
    }

    @Test
    void stream_textDeltasThenFinishThenUsageWhenAsked() {
        List<Completion> chunks;
        try (StreamResponse<Completion> s = client.completions().createStreaming(completion("compat", "one two three four")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = s.stream().toList();
        }
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c._object_()).isEqualTo(JsonValue.from("text_completion"));
            assertThat(c.model()).isEqualTo("compat");
            assertThat(c.id()).startsWith("cmpl-");
        });
        assertThat(chunks.stream().map(Completion::id).distinct()).hasSize(1);
        String text = chunks.stream().flatMap(c -> c.choices().stream()).map(CompletionChoice::text).collect(Collectors.joining());
        assertThat(text).isEqualTo("one two three four");
        Completion usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().orElseThrow().completionTokens()).isEqualTo(4);
        Completion finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        assertThat(finish.choices().get(0).text()).isEmpty();
        assertThat(sim.last().json().get("stream").asBoolean()).isTrue();
        assertThat(sim.last().json().at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void stream_withoutUsageOption_hasNoUsageChunk() {
        try (StreamResponse<Completion> s = client.completions().createStreaming(completion("compat", "a b c").build())) {
            List<Completion> chunks = s.stream().toList();
            assertThat(chunks).noneMatch(c -> c.usage().isPresent());
            assertThat(chunks.getLast().choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        }
    }

    @Test
    void json_overAzure_callsItsChatCompletions() {
        Completion c = client.completions().create(completion("azure", "Hello Azure").build());
        assertThat(c.choices().get(0).text()).isEqualTo("Hello Azure");
        assertThat(c.model()).isEqualTo("azure");
        assertThat(sim.last().path()).isEqualTo("/openai/deployments/my-gpt-35/chat/completions");
        assertThat(sim.last().headers().get("api-key")).isEqualTo("az-key-123");
    }

    @Test
    void json_andStream_overInProcessSimulator() {
        Completion c = client.completions().create(completion("local", "alpha beta").build());
        assertThat(c.choices().get(0).text()).isEqualTo("alpha beta");
        try (StreamResponse<Completion> s = client.completions().createStreaming(completion("local", "alpha beta gamma").build())) {
            assertThat(s.stream().flatMap(x -> x.choices().stream()).map(CompletionChoice::text).collect(Collectors.joining()))
                    .isEqualTo("alpha beta gamma");
        }
    }

    @Test
    void promptArrayOfOneString_isOnePrompt() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("compat")
                .promptOfArrayOfStrings(List.of("just one")).build());
        assertThat(c.choices().get(0).text()).isEqualTo("just one");
    }

    @Test
    void promptArrayOfSeveralStrings_isUnsupported() {
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("compat")
                .promptOfArrayOfStrings(List.of("one", "two")).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("unsupported_parameter");
                    assertThat(e.param()).contains("prompt");
                });
    }

    @Test
    void promptOfTokenIds_isUnsupported() {
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("compat")
                .promptOfArrayOfTokens(List.of(1L, 2L)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("prompt"));
    }

    @Test
    void missingPrompt_isInvalidRequestNamingIt() throws Exception {
        HttpResponse<String> r = gw.post("/v1/completions", "{\"model\":\"compat\"}", "authorization", "Bearer " + GatewayFixture.MASTER_KEY);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode err = Json.parse(r.body()).get("error");
        assertThat(err.get("code").asText()).isEqualTo("invalid_request");
        assertThat(err.get("param").asText()).isEqualTo("prompt");
        assertThat(err.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void unknownModel_isModelNotFoundInOpenAiShape() {
        assertThatThrownBy(() -> client.completions().create(completion("no-such-model", "hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).contains("model_not_found"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"suffix", "echo", "logprobs", "best_of"})
    void untranslatableParameter_rejectPolicy_is400NamingIt(String field) {
        assertThatThrownBy(() -> strictClient.completions().create(with(field, completion("compat", "hi")).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).contains("unsupported_parameter");
                    assertThat(e.param()).contains(field);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"suffix", "echo", "logprobs", "best_of"})
    void untranslatableParameter_dropPolicy_isDropped(String field) {
        Completion c = client.completions().create(with(field, completion("compat", "hi there")).build());
        assertThat(c.choices().get(0).text()).isEqualTo("hi there");
        assertThat(sim.last().json().has(field)).isFalse();
    }

    @Test
    void noOpValues_areNotRefused() {
        Completion c = strictClient.completions().create(completion("compat", "quiet").echo(false).bestOf(1L).suffix("").build());
        assertThat(c.choices().get(0).text()).isEqualTo("quiet");
    }

    private static CompletionCreateParams.Builder with(String field, CompletionCreateParams.Builder b) {
        UnaryOperator<CompletionCreateParams.Builder> set = switch (field) {
            case "suffix" -> x -> x.suffix(" the end");
            case "echo" -> x -> x.echo(true);
            case "logprobs" -> x -> x.logprobs(2L);
            case "best_of" -> x -> x.bestOf(3L);
            default -> throw new IllegalArgumentException(field);
        };
        return set.apply(b);
    }
}
