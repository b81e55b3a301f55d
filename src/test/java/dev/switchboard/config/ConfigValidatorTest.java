package dev.switchboard.config;

import static dev.switchboard.config.ConfigLoaderTest.SAMPLE;
import static dev.switchboard.config.ConfigLoaderTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each broken config is a {@link ConfigException} whose message starts with the path of the broken entry. */
class ConfigValidatorTest {

    private static final String KEY32 = "k".repeat(32);

    static Stream<Arguments> brokenConfigs() {
        return Stream.of(
                Arguments.of(SAMPLE.replace("weight: 2", "weight: -1"), "models.general[1].weight"),
                Arguments.of(SAMPLE.replace("provider: openai", "provider: watsonx"), "models.general[0].provider"),
                Arguments.of(SAMPLE.replace("team: research", "team: marketing"), "keys[0].team"),
                Arguments.of(SAMPLE.replace("key: \"${CI_KEY}\"", "key: short-key"), "keys[0].key"),
                Arguments.of(SAMPLE.replace("key: \"${CI_KEY}\"", "key: \"" + "x".repeat(31) + "\""), "keys[0].key"),
                Arguments.of(SAMPLE.replace("key: \"${CI_KEY}\"", "key: \"" + "x".repeat(20) + " " + "x".repeat(20) + "\""), "keys[0].key"),
                Arguments.of(SAMPLE.replace("targets: [backup]", "targets: [backup, general]"), "fallbacks[0].targets"),
                Arguments.of(SAMPLE.replace("targets: [backup]", "targets: []"), "fallbacks[0].targets"),
                Arguments.of(SAMPLE.replace("targets: [backup]", "targets: [a, b, a]"), "fallbacks[0].targets"),
                Arguments.of(SAMPLE.replace("targets: [backup]", "targets: [a, b, c, d, e, f]"), "fallbacks[0].targets"),
                Arguments.of(SAMPLE.replace("reason: general", "reason: timeout"), "fallbacks[0].reason"),
                Arguments.of(SAMPLE.replace("strategy: latency-based", "strategy: round-robin"), "router.strategy"),
                Arguments.of(SAMPLE.replace("period: monthly", "period: hourly"), "teams[0].budget.period"),
                Arguments.of(SAMPLE.replace("maxUsd: 500", "maxUsd: -1"), "teams[0].budget.maxUsd"),
                Arguments.of(SAMPLE.replace("rpm: 600", "rpm: 0"), "keys[0].limits.rpm"),
                Arguments.of(SAMPLE.replace("upstreamModel: gpt-4o-mini", "upstreamModel: \"\""), "models.general[0].upstreamModel"),
                Arguments.of(SAMPLE.replace("  general:", "  \"bad name!\":").replace("primaryModel: general", "primaryModel: x"),
                        "models.bad name!"),
                Arguments.of("models:\n  empty: []\n", "models.empty"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, baseUrl: \"ftp://host/v1\" } ]\n", "models.m[0].baseUrl"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, baseUrl: \"not a url\" } ]\n", "models.m[0].baseUrl"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, rpmLimit: 0 } ]\n", "models.m[0].rpmLimit"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, timeouts: { idleMs: 0 } } ]\n",
                        "models.m[0].timeouts.idleMs"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, pricing: { inputPerMTokens: -1 } } ]\n",
                        "models.m[0].pricing.inputPerMTokens"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, pricing: { inputPerMTokens: 1, outputPerMTokens: 1e400 } } ]\n",
                        "models.m[0].pricing.outputPerMTokens"),
                Arguments.of("keys:\n  - { name: k, budget: { maxUsd: 1e400 } }\n", "keys[0].budget.maxUsd"),
                // a bound left out is its default (backoff.maxMs 2000, cooldown.initialSeconds 5)
                Arguments.of("router: { backoff: { baseMs: 5000 } }\n", "router.backoff.baseMs"),
                Arguments.of("router: { backoff: { maxMs: 50 } }\n", "router.backoff.maxMs"),
                Arguments.of("router: { cooldown: { maxSeconds: 2 } }\n", "router.cooldown.maxSeconds"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, extraHeaders: { \"bad header\": v } } ]\n",
                        "models.m[0].extraHeaders"),
                Arguments.of("models:\n  m: [ { provider: openai, upstreamModel: x, credentials: { api_key: k } } ]\n",
                        "models.m[0].credentials.api_key"),
                Arguments.of("models:\n  m: [ { provider: openai, upstreamModel: x, credentials: { apiKey: \"sk-a\\r\\nX-Injected: yes\" } } ]\n",
                        "models.m[0].credentials.apiKey"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, extraHeaders: { x-a: \"v\\r\\nx-b: w\" } } ]\n",
                        "models.m[0].extraHeaders.x-a"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, extraHeaders: { Content-Length: \"5\" } } ]\n",
                        "models.m[0].extraHeaders.Content-Length"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, extraHeaders: { transfer-encoding: chunked } } ]\n",
                        "models.m[0].extraHeaders.transfer-encoding"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, extraHeaders: { host: evil.example } } ]\n",
                        "models.m[0].extraHeaders.host"),
                Arguments.of("models:\n  m: [ { provider: simulator, upstreamModel: x, extraHeaders: { X-A: one, x-a: two } } ]\n",
                        "models.m[0].extraHeaders.x-a"),
                Arguments.of("models:\n  m: [ { provider: openai, upstreamModel: x, baseUrl: \"http://user:secret@host/v1\" } ]\n",
                        "models.m[0].baseUrl"),
                Arguments.of("models:\n  m: [ { provider: bedrock, upstreamModel: x, credentials: { apiKey: k, region: us-east-1 } } ]\n",
                        "models.m[0].credentials.apiKey"),
                Arguments.of("models:\n  m: [ { provider: vertex, upstreamModel: x, credentials: { project: p, location: l, region: r } } ]\n",
                        "models.m[0].credentials.region"),
                Arguments.of("teams:\n  - { name: a }\n  - { name: a }\n", "teams[1].name"),
                Arguments.of("keys:\n  - { name: a, key: " + KEY32 + " }\n  - { name: b, key: " + KEY32 + " }\n", "keys[1].key"),
                Arguments.of("router: { maxAttempts: 11 }\n", "router.maxAttempts"),
                Arguments.of("router: { unsupportedParameters: ignore }\n", "router.unsupportedParameters"),
                Arguments.of("router: { redisFailure: maybe }\n", "router.redisFailure"),
                Arguments.of("router: { modelOverrides: { general: { strategy: fastest } } }\n", "router.modelOverrides.general.strategy"),
                Arguments.of("router: { backoff: { baseMs: 0 } }\n", "router.backoff.baseMs"),
                Arguments.of("teams: [ ~ ]\n", "teams[0]"),
                Arguments.of("keys:\n  - { name: a }\n  - ~\n", "keys[1]"),
                Arguments.of("models:\n  m: [ ~ ]\n", "models.m[0]"));
    }

    @Test
    void parse_upperCaseScheme_isAValidBaseUrl() {
        assertThat(parse("models:\n  m: [ { provider: ollama, upstreamModel: x, baseUrl: \"HTTP://127.0.0.1:11434/v1\" } ]\n")
                .models().get("m")).hasSize(1);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("brokenConfigs")
    void parse_brokenEntry_isConfigExceptionStartingWithItsPath(String yaml, String path) {
        Throwable e = catchThrowable(() -> parse(yaml));
        assertThat(e).isInstanceOf(ConfigException.class);
        assertThat(e.getMessage()).startsWith(path + ": ");
    }

    @Test
    void parse_duplicateKeyNames_namesTheSecond() {
        String yaml = SAMPLE.replace("limits: { rpm: 600 }", "limits: { rpm: 600 }\n  - { name: ci }");
        Throwable e = catchThrowable(() -> parse(yaml));
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageStartingWith("keys[1].name: ");
        assertThat(e.getMessage()).contains("ci");
    }

    @Test
    void parse_unknownProvider_listsTheAvailableOnes() {
        Throwable e = catchThrowable(() -> parse(SAMPLE.replace("provider: openai", "provider: watsonx")));
        assertThat(e.getMessage()).contains("'watsonx'", "openai", "anthropic", "gemini", "groq", "simulator", "vertex").doesNotContain("watsonx,");
    }

    @Test
    void parse_everyAvailableProvider_isAccepted() {
        StringBuilder yaml = new StringBuilder("models:\n");
        for (String p : ConfigLoaderTest.PROVIDERS) yaml.append("  m-").append(p).append(": [ { provider: ").append(p).append(", upstreamModel: x } ]\n");
        assertThat(parse(yaml.toString()).models()).hasSize(ConfigLoaderTest.PROVIDERS.size());
        assertThat(ConfigLoaderTest.PROVIDERS).contains("openai", "anthropic", "gemini", "groq", "ollama", "openai-compatible", "simulator", "bedrock", "vertex");
    }

    @Test
    void parse_zeroWeightAndKeylessKeys_areValid() {
        assertThatCode(() -> parse(SAMPLE.replace("weight: 2", "weight: 0"))).doesNotThrowAnyException();
        assertThatCode(() -> parse("keys:\n  - { name: generated-later }\n")).doesNotThrowAnyException();
    }

    @Test
    void parse_baseUrlWithoutScheme_isConfigException() {
        Throwable e = catchThrowable(() -> parse("models:\n  m: [ { provider: simulator, upstreamModel: x, baseUrl: \"//host/v1\" } ]\n"));
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageStartingWith("models.m[0].baseUrl: ");
    }

    @Test
    void parse_fallbackWithoutReason_isConfigException() {
        Throwable e = catchThrowable(() -> parse("fallbacks:\n  - { primaryModel: a, targets: [b] }\n"));
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageStartingWith("fallbacks[0].reason: ");
    }

    @Test
    void twoChainsForOneModelAndReason_areRefused_namingTheSecond() {
        Throwable e = catchThrowable(() -> parse("""
                fallbacks:
                  - { primaryModel: a, reason: general, targets: [b] }
                  - { primaryModel: a, reason: rate_limit, targets: [b] }
                  - { primaryModel: a, reason: general, targets: [c] }
                """));
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageStartingWith("fallbacks[2]: a second chain for 'a' and reason 'general'");
    }

    @Test
    void parse_modelOverrideWithoutStrategy_isConfigException() {
        Throwable e = catchThrowable(() -> parse("router: { modelOverrides: { general: {} } }\n"));
        assertThat(e).isInstanceOf(ConfigException.class).hasMessageStartingWith("router.modelOverrides.general.strategy: ");
    }
}
