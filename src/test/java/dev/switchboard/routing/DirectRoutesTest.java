package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.ProviderRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DirectRoutesTest {

    private static final ProviderRegistry REGISTRY = ProviderRegistry.standard(Clock.systemUTC());

    private static DirectRoutes routes(Map<String, String> env) {
        return new DirectRoutes(REGISTRY.all(), env::get, Timeouts.DEFAULTS);
    }

    @Test
    void explicit_openAiWithKey_routesToPresetWithThatKey() {
        Deployment d = routes(Map.of("OPENAI_API_KEY", "sk-test")).explicit("openai", "gpt-4o");
        assertThat(d).isNotNull();
        assertThat(d.provider().id()).isEqualTo("openai");
        assertThat(d.upstreamModel()).isEqualTo("gpt-4o");
        assertThat(d.apiKey()).isEqualTo("sk-test");
        assertThat(d.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(d.spec().publicModel()).isEqualTo("openai/gpt-4o");
        assertThat(d.spec().source()).isEqualTo("env");
        assertThat(d.timeouts()).isEqualTo(Timeouts.DEFAULTS);
    }

    @Test
    void explicit_openAiWithoutKey_isNull() {
        assertThat(routes(Map.of()).explicit("openai", "gpt-4o")).isNull();
        assertThat(routes(Map.of("OPENAI_API_KEY", "   ")).explicit("openai", "gpt-4o")).isNull();
        assertThat(routes(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")).isEnabled("openai")).isFalse();
        assertThat(routes(Map.of("GROQ_API_KEY", "g")).explicit("openai", "gpt-4o")).isNull();
    }

    @Test
    void explicit_baseUrlVariable_movesTheProviderAndLosesTrailingSlash() {
        Deployment d = routes(Map.of("OPENAI_API_KEY", "k", "OPENAI_BASE_URL", "http://127.0.0.1:8080/v1/")).explicit("openai", "gpt-4o");
        assertThat(d.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/v1"));
    }

    @Test
    void explicit_simulator_isAlwaysEnabled() {
        Deployment d = routes(Map.of()).explicit("simulator", "anything-at-all");
        assertThat(d).isNotNull();
        assertThat(d.provider().id()).isEqualTo("simulator");
        assertThat(d.upstreamModel()).isEqualTo("anything-at-all");
        assertThat(d.baseUrl()).isNull();
    }

    @Test
    void explicit_ollama_enabledByItsBaseUrlAlone() {
        assertThat(routes(Map.of()).explicit("ollama", "llama3")).isNull();
        Deployment d = routes(Map.of("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1")).explicit("ollama", "llama3");
        assertThat(d).isNotNull();
        assertThat(d.apiKey()).isNull();
        assertThat(d.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:11434/v1"));
    }

    @Test
    void explicit_emptyModelOrUnknownProvider_isNull() {
        DirectRoutes r = routes(Map.of("OPENAI_API_KEY", "k"));
        assertThat(r.explicit("openai", "")).isNull();
        assertThat(r.explicit("anthropic", "claude")).isNull();
        assertThat(r.explicit("openai-compatible", "x")).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "gpt-4o-mini, OPENAI_API_KEY, openai",
        "o3-mini, OPENAI_API_KEY, openai",
        "chatgpt-4o-latest, OPENAI_API_KEY, openai",
        "mistral-large-latest, MISTRAL_API_KEY, mistral",
        "codestral-latest, MISTRAL_API_KEY, mistral",
        "grok-2, XAI_API_KEY, xai",
        "deepseek-chat, DEEPSEEK_API_KEY, deepseek"
    })
    void byPrefix_knownPrefixWithKey_routesToItsProvider(String model, String keyVar, String provider) {
        Deployment d = routes(Map.of(keyVar, "k")).byPrefix(model);
        assertThat(d).isNotNull();
        assertThat(d.provider().id()).isEqualTo(provider);
        assertThat(d.upstreamModel()).isEqualTo(model);
        assertThat(routes(Map.of()).byPrefix(model)).isNull();
    }

    @Test
    void byPrefix_unknownBareName_isNull() {
        assertThat(routes(Map.of("OPENAI_API_KEY", "k", "GROQ_API_KEY", "g")).byPrefix("llama-3.3-70b")).isNull();
    }

    @Test
    void bedrock_awsKeysEnableIt_regionFromAwsRegionElseDefaultRegionElseUsEast1_credentialsCarried() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "secret",
                "AWS_SESSION_TOKEN", "session"));
        Deployment d = routes(env).explicit("bedrock", "anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(d).isNotNull();
        assertThat(d.provider().id()).isEqualTo("bedrock");
        assertThat(d.upstreamModel()).isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(d.baseUrl()).isEqualTo(URI.create("https://bedrock-runtime.us-east-1.amazonaws.com"));
        assertThat(d.spec().credentials()).containsEntry("accessKeyId", "AKIDENV").containsEntry("secretAccessKey", "secret")
                .containsEntry("sessionToken", "session").containsEntry("region", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "eu-west-1");
        assertThat(routes(env).explicit("bedrock", "m").spec().credential("region")).isEqualTo("eu-west-1");
        env.put("AWS_REGION", "ap-northeast-1");
        assertThat(routes(env).explicit("bedrock", "m").baseUrl()).isEqualTo(URI.create("https://bedrock-runtime.ap-northeast-1.amazonaws.com"));
        env.put("BEDROCK_BASE_URL", "http://127.0.0.1:4010/");
        Deployment moved = routes(env).explicit("bedrock", "m");
        assertThat(moved.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:4010"));
        assertThat(moved.spec().credential("region")).as("the base URL moves the host, never the signing region").isEqualTo("ap-northeast-1");
    }

    @Test
    void bedrock_withoutTheSecret_orWithoutKeys_isNotEnabled() {
        assertThat(routes(Map.of("AWS_ACCESS_KEY_ID", "AKIDENV")).isEnabled("bedrock")).isFalse();
        assertThat(routes(Map.of("AWS_SECRET_ACCESS_KEY", "s", "BEDROCK_BASE_URL", "http://127.0.0.1:1")).isEnabled("bedrock")).isFalse();
        assertThat(routes(Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "s")).byPrefix("anthropic.claude-v2"))
                .as("Bedrock model ids have no prefix of their own: only bedrock/<modelId> routes there").isNull();
    }
}
