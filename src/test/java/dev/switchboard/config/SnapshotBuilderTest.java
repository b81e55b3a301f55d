package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.routing.Deployment;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotBuilderTest {

    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ProviderRegistry REGISTRY = ProviderRegistry.standard(CLOCK);

    private static ConfigSnapshot build(String yaml, Map<String, String> env) {
        GatewayConfig config = ConfigLoaderTest.parse(yaml, env);
        return new SnapshotBuilder(REGISTRY, env::get, CLOCK).build(config, 7);
    }

    private static Deployment only(ConfigSnapshot s, String model) {
        assertThat(s.models().get(model).deployments()).hasSize(1);
        return s.models().get(model).deployments().getFirst();
    }

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void build_emptyConfig_addsDemoModelOnTheSimulator() {
        ConfigSnapshot s = new SnapshotBuilder(REGISTRY, name -> null, CLOCK).build(GatewayConfig.EMPTY, 1);
        assertThat(s.models()).containsOnlyKeys(SnapshotBuilder.DEMO_MODEL);
        Deployment demo = only(s, "demo");
        assertThat(demo.provider().id()).isEqualTo("simulator");
        assertThat(demo.spec().publicModel()).isEqualTo("demo");
        assertThat(demo.baseUrl()).isNull();
        assertThat(demo.apiKey()).isNull();
        assertThat(demo.timeouts()).isEqualTo(Timeouts.DEFAULTS);
    }

    @Test
    void build_nonEmptyConfig_hasNoDemoModel() {
        ConfigSnapshot s = build("models:\n  mine: [ { provider: simulator, upstreamModel: echo } ]\n", Map.of());
        assertThat(s.models()).containsOnlyKeys("mine");
    }

    @Test
    void build_recordsVersionClockAndRouterSettings() {
        ConfigSnapshot s = build("router: { strategy: least-busy }\n", Map.of());
        assertThat(s.version()).isEqualTo(7);
        assertThat(s.builtAt()).isEqualTo(NOW);
        assertThat(s.router().strategy()).isEqualTo("least-busy");
        assertThat(s.router().maxAttempts()).isEqualTo(3);
        assertThat(s.direct().isEnabled("simulator")).isTrue();
    }

    @Test
    void baseUrl_deploymentValueWinsOverEnvAndPreset() {
        ConfigSnapshot s = build("""
                models:
                  m: [ { provider: openai, upstreamModel: gpt-4o, baseUrl: "https://proxy.example.com/v1/", credentials: { apiKey: k } } ]
                """, Map.of("OPENAI_BASE_URL", "https://env.example.com/v1"));
        assertThat(only(s, "m").baseUrl()).isEqualTo(URI.create("https://proxy.example.com/v1"));
    }

    @Test
    void baseUrl_providerEnvVariableWinsOverPreset() {
        ConfigSnapshot s = build("models:\n  m: [ { provider: openai, upstreamModel: gpt-4o, credentials: { apiKey: k } } ]\n",
                Map.of("OPENAI_BASE_URL", " http://127.0.0.1:9999/v1/ "));
        assertThat(only(s, "m").baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9999/v1"));
    }

    @Test
    void baseUrl_blankEnvVariable_fallsBackToPresetDefault() {
        ConfigSnapshot s = build("models:\n  m: [ { provider: groq, upstreamModel: llama, credentials: { apiKey: k } } ]\n",
                Map.of("GROQ_BASE_URL", "  "));
        assertThat(only(s, "m").baseUrl()).isEqualTo(URI.create("https://api.groq.com/openai/v1"));
    }

    @Test
    void baseUrl_presetDefault_whenNothingElseGiven() {
        ConfigSnapshot s = build("models:\n  m: [ { provider: openai, upstreamModel: gpt-4o, credentials: { apiKey: k } } ]\n", Map.of());
        assertThat(only(s, "m").baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
    }

    @Test
    void baseUrl_openAiCompatibleWithoutOne_isConfigException() {
        assertThatThrownBy(() -> build("models:\n  m: [ { provider: openai-compatible, upstreamModel: x } ]\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.m")
                .hasMessageContaining("baseUrl");
    }

    @Test
    void apiKey_missingForOpenAi_isConfigExceptionNamingCredentials() {
        assertThatThrownBy(() -> build("models:\n  m: [ { provider: openai, upstreamModel: gpt-4o } ]\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.m")
                .hasMessageContaining("credentials.apiKey")
                .hasMessageContaining("OPENAI_API_KEY");
    }

    @Test
    void apiKey_blankInDeployment_isTreatedAsMissing() {
        assertThatThrownBy(() -> build("models:\n  m: [ { provider: openai, upstreamModel: gpt-4o, credentials: { apiKey: \" \" } } ]\n",
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("credentials.apiKey");
    }

    @Test
    void apiKey_deploymentValueWinsOverEnv() {
        ConfigSnapshot s = build("models:\n  m: [ { provider: openai, upstreamModel: gpt-4o, credentials: { apiKey: from-file } } ]\n",
                Map.of("OPENAI_API_KEY", "from-env"));
        assertThat(only(s, "m").apiKey()).isEqualTo("from-file");
    }

    @Test
    void apiKey_fromProviderEnvVariable_whenDeploymentHasNone() {
        ConfigSnapshot s = build("models:\n  m: [ { provider: openai, upstreamModel: gpt-4o } ]\n", Map.of("OPENAI_API_KEY", "sk-env"));
        assertThat(only(s, "m").apiKey()).isEqualTo("sk-env");
    }

    @Test
    void ollama_needsNoKeyAndUsesLocalDefault() {
        ConfigSnapshot s = build("models:\n  local: [ { provider: ollama, upstreamModel: llama3 } ]\n", Map.of());
        Deployment d = only(s, "local");
        assertThat(d.apiKey()).isNull();
        assertThat(d.baseUrl()).isEqualTo(URI.create("http://localhost:11434/v1"));
        assertThat(d.upstreamModel()).isEqualTo("llama3");
    }

    @Test
    void disabledDeployments_areLeftOutOfThePool() {
        ConfigSnapshot s = build("""
                models:
                  m:
                    - { provider: simulator, upstreamModel: kept }
                    - { provider: simulator, upstreamModel: dropped, enabled: false }
                """, Map.of());
        assertThat(only(s, "m").upstreamModel()).isEqualTo("kept");
    }

    @Test
    void timeouts_deploymentFieldsOverrideRouterFieldsOneByOne() {
        ConfigSnapshot s = build("""
                models:
                  m: [ { provider: simulator, upstreamModel: x, timeouts: { idleMs: 5 } } ]
                router: { timeouts: { connectMs: 7 } }
                """, Map.of());
        assertThat(only(s, "m").timeouts()).isEqualTo(new Timeouts(7L, 120_000L, 5L, 600_000L));
    }

    @Test
    void keys_areIndexedByHexSha256OfTheirFixedValue() throws Exception {
        String value = "sk-fixed-0123456789abcdef0123456789";
        ConfigSnapshot s = build("""
                teams: [ { name: t } ]
                keys:
                  - { name: fixed, key: "%s", team: t }
                  - { name: managed-elsewhere }
                """.formatted(value), Map.of());
        assertThat(s.keysByHash()).containsOnlyKeys(sha256Hex(value));
        assertThat(s.keysByHash().get(sha256Hex(value)).name()).isEqualTo("fixed");
        assertThat(s.teams()).hasSize(1);
        assertThat(s.teams().values().iterator().next().name()).isEqualTo("t");
        assertThat(s.keysByHash().get(sha256Hex(value)).teamId()).isEqualTo(s.teams().keySet().iterator().next());
    }
}
