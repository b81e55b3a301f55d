package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.usage.PriceCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final Set<String> PROVIDERS = ProviderRegistry.standard(Clock.systemUTC()).ids();
    static final String CI_KEY = "sk-ci-0123456789abcdef0123456789abcdef";
    static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-openai", "GROQ_API_KEY", "gsk-groq", "CI_KEY", CI_KEY);

    static final String SAMPLE = """
            models:
              general:
                - provider: openai
                  upstreamModel: gpt-4o-mini
                  credentials: { apiKey: "${OPENAI_API_KEY}" }
                - { provider: groq, upstreamModel: llama-3.3-70b-versatile, credentials: { apiKey: "${GROQ_API_KEY}" }, weight: 2 }
            teams:
              - { name: research, budget: { maxUsd: 500, period: monthly } }
            keys:
              - name: ci
                key: "${CI_KEY}"
                team: research
                allowedModels: [general]
                limits: { rpm: 600 }
            fallbacks:
              - { primaryModel: general, reason: general, targets: [backup] }
            router: { strategy: latency-based }
            """;

    static GatewayConfig parse(String yaml) {
        return parse(yaml, ENV);
    }

    static GatewayConfig parse(String yaml, Map<String, String> env) {
        return new ConfigLoader(env::get, PROVIDERS).parse(yaml);
    }

    @Test
    void parse_sample_bindsEveryEntryWithVariablesExpanded() {
        GatewayConfig c = parse(SAMPLE);
        List<DeploymentSpec> general = c.models().get("general");
        assertThat(c.models()).containsOnlyKeys("general");
        assertThat(general).hasSize(2);
        assertThat(general.get(0).provider()).isEqualTo("openai");
        assertThat(general.get(0).upstreamModel()).isEqualTo("gpt-4o-mini");
        assertThat(general.get(0).credential("apiKey")).isEqualTo("sk-openai");
        assertThat(general.get(0).weight()).isEqualTo(1);
        assertThat(general.get(0).enabled()).isTrue();
        assertThat(general.get(1).provider()).isEqualTo("groq");
        assertThat(general.get(1).credential("apiKey")).isEqualTo("gsk-groq");
        assertThat(general.get(1).weight()).isEqualTo(2);
        assertThat(general).allSatisfy(d -> {
            assertThat(d.publicModel()).isEqualTo("general");
            assertThat(d.source()).isEqualTo("file");
            assertThat(d.id()).matches("dep_[0-9a-f]{16}");
        });
        assertThat(general.get(0).id()).isNotEqualTo(general.get(1).id());

        TeamSpec team = c.teams().getFirst();
        assertThat(team.name()).isEqualTo("research");
        assertThat(team.id()).matches("team_[0-9a-f]{16}");
        assertThat(team.budget()).isEqualTo(new Budget(500.0, "monthly"));

        KeySpec key = c.keys().getFirst();
        assertThat(key.id()).matches("key_[0-9a-f]{16}");
        assertThat(key.name()).isEqualTo("ci");
        assertThat(key.key()).isEqualTo(CI_KEY);
        assertThat(key.team()).isEqualTo("research");
        assertThat(key.allowedModels()).containsExactly("general");
        assertThat(key.limits().rpm()).isEqualTo(600L);
        assertThat(key.enabled()).isTrue();

        assertThat(c.fallbacks()).containsExactly(new FallbackSpec("general", "general", List.of("backup"), "file"));
        assertThat(c.router().strategy()).isEqualTo("latency-based");
        assertThat(c.routerSettings().maxAttempts()).isEqualTo(RouterSettings.DEFAULTS.maxAttempts());
    }

    @Test
    void parse_sameFileTwice_givesSameIds() {
        GatewayConfig a = parse(SAMPLE);
        GatewayConfig b = parse(SAMPLE);
        assertThat(b.models().get("general")).extracting(DeploymentSpec::id)
                .containsExactlyElementsOf(a.models().get("general").stream().map(DeploymentSpec::id).toList());
        assertThat(b.keys().getFirst().id()).isEqualTo(a.keys().getFirst().id());
        assertThat(b.teams().getFirst().id()).isEqualTo(a.teams().getFirst().id());
    }

    @Test
    void parse_unrelatedEntriesChanged_idsStayTheSame() {
        GatewayConfig before = parse(SAMPLE);
        String edited = SAMPLE
                .replace("weight: 2", "weight: 5")
                .replace("maxUsd: 500", "maxUsd: 900")
                .replace("limits: { rpm: 600 }", "limits: { rpm: 60 }\n  - { name: other }")
                .replace("models:\n", "models:\n  backup:\n    - { provider: simulator, upstreamModel: echo }\n");
        GatewayConfig after = parse(edited);
        assertThat(after.models()).containsKeys("backup", "general");
        assertThat(after.models().get("general")).extracting(DeploymentSpec::id)
                .containsExactlyElementsOf(before.models().get("general").stream().map(DeploymentSpec::id).toList());
        assertThat(after.keys().getFirst().id()).isEqualTo(before.keys().getFirst().id());
        assertThat(after.teams().getFirst().id()).isEqualTo(before.teams().getFirst().id());
        assertThat(after.keys().get(1).id()).isNotEqualTo(after.keys().getFirst().id());
    }

    @Test
    void parse_identicalDeploymentsTwice_getDistinctIds() {
        GatewayConfig c = parse("""
                models:
                  m:
                    - { provider: simulator, upstreamModel: echo }
                    - { provider: simulator, upstreamModel: echo }
                """);
        assertThat(c.models().get("m")).extracting(DeploymentSpec::id).doesNotHaveDuplicates();
    }

    @Test
    void parse_modelsKeepFileOrder() {
        GatewayConfig c = parse("""
                models:
                  zulu: [ { provider: simulator, upstreamModel: a } ]
                  alpha: [ { provider: simulator, upstreamModel: b } ]
                  mike: [ { provider: simulator, upstreamModel: c } ]
                  bravo: [ { provider: simulator, upstreamModel: d } ]
                  yankee: [ { provider: simulator, upstreamModel: e } ]
                """);
        assertThat(c.models().keySet()).containsExactly("zulu", "alpha", "mike", "bravo", "yankee");
    }

    @Test
    void parse_defaultSyntax_usedWhenVariableUnsetOrEmpty() {
        String yaml = "models:\n  m:\n    - { provider: simulator, upstreamModel: \"${SIM_MODEL:-echo-1}\" }\n";
        assertThat(parse(yaml, Map.of()).models().get("m").getFirst().upstreamModel()).isEqualTo("echo-1");
        assertThat(parse(yaml, Map.of("SIM_MODEL", "")).models().get("m").getFirst().upstreamModel()).isEqualTo("echo-1");
        assertThat(parse(yaml, Map.of("SIM_MODEL", "from-env")).models().get("m").getFirst().upstreamModel()).isEqualTo("from-env");
    }

    @Test
    void parse_variablesInsideLongerStrings_areAllExpandedLiterally() {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("HOST", "proxy.local");
        env.put("PORT", "8443");
        env.put("TOKEN", "a$1\\b");
        GatewayConfig c = parse("""
                models:
                  m:
                    - provider: openai-compatible
                      upstreamModel: x
                      baseUrl: "https://${HOST}:${PORT}/v1"
                      extraHeaders: { X-Token: "t=${TOKEN}" }
                """, env);
        DeploymentSpec d = c.models().get("m").getFirst();
        assertThat(d.baseUrl()).isEqualTo("https://proxy.local:8443/v1");
        assertThat(d.extraHeaders()).containsEntry("X-Token", "t=a$1\\b");
    }

    @Test
    void parse_unsetVariable_namesPathAndVariable() {
        Map<String, String> env = new HashMap<>(ENV);
        env.remove("OPENAI_API_KEY");
        assertThatThrownBy(() -> parse(SAMPLE, env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.general[0].credentials.apiKey")
                .hasMessageContaining("OPENAI_API_KEY");
    }

    @Test
    void parse_unsetVariableInKeyList_namesIndexedPath() {
        assertThatThrownBy(() -> parse(SAMPLE, Map.of("OPENAI_API_KEY", "a", "GROQ_API_KEY", "b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("keys[0].key")
                .hasMessageContaining("CI_KEY");
    }

    @Test
    void parse_duplicateMappingKey_isAnError() {
        assertThatThrownBy(() -> parse("models:\n  m: [ { provider: ollama, upstreamModel: a } ]\n  m: [ { provider: ollama, upstreamModel: b } ]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("m");
    }

    @Test
    void parse_variableSetToEmpty_isSetNotMissing() {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("CI_KEY", "");
        // the empty value reaches validation, which names the key as too short: set, not unset
        assertThatThrownBy(() -> parse(SAMPLE, env)).isInstanceOf(ConfigException.class).hasMessageStartingWith("keys[0].key: ");
    }

    @Test
    void parse_unknownField_isNamedWithItsPath() {
        assertThatThrownBy(() -> parse(SAMPLE.replace("weight: 2", "wieght: 2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wieght")
                .hasMessageContaining("models.general[1]");
        assertThatThrownBy(() -> parse("routerz: {}\n")).isInstanceOf(ConfigException.class).hasMessageContaining("routerz");
    }

    @Test
    void aSectionThisBuildDoesNotRead_isKeptAsWritten_withItsVariablesExpanded() {
        GatewayConfig config = parse(SAMPLE + """
                guardrails:
                  - { name: pii, mode: redact }
                cache: { ttlSeconds: 60, token: "${OPENAI_API_KEY}" }
                laterSections: { x: 1 }
                """);
        assertThat(config.laterSections()).containsOnlyKeys("guardrails", "cache", "laterSections");
        assertThat(List.copyOf(config.laterSections().keySet())).containsExactly("guardrails", "cache", "laterSections");
        assertThat(config.laterSections().get("guardrails").get(0).get("mode").asText()).isEqualTo("redact");
        assertThat(config.laterSections().get("cache").get("token").asText()).isEqualTo(ENV.get("OPENAI_API_KEY"));
        assertThat(config.models()).isEqualTo(parse(SAMPLE).models()); // the sections it reads are read as before
        assertThat(config.keys()).isEqualTo(parse(SAMPLE).keys());
        assertThat(config).isEqualTo(parse(SAMPLE + "guardrails:\n  - { name: pii, mode: redact }\ncache: { ttlSeconds: 60, token: \"${OPENAI_API_KEY}\" }\nlaterSections: { x: 1 }\n"));
        // a variable it cannot expand stops the load there as anywhere else
        assertThatThrownBy(() -> parse("cache: { token: \"${NOT_SET_ANYWHERE}\" }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cache.token: environment variable NOT_SET_ANYWHERE");
    }

    @Test
    void aSectionOneEditFromOneItReads_isATypo_andRefused_oneFurtherOffIsKept() {
        assertThatThrownBy(() -> parse("modles:\n  m: []\n")).isInstanceOf(ConfigException.class)
                .hasMessage("unknown section 'modles' (did you mean 'models'?)");
        assertThatThrownBy(() -> parse("key: []\n")).hasMessageContaining("did you mean 'keys'");
        assertThatThrownBy(() -> parse("fallback: []\n")).hasMessageContaining("did you mean 'fallbacks'");
        assertThatThrownBy(() -> parse("ruoter: {}\n")).hasMessageContaining("did you mean 'router'");
        // two edits away: plausible sections of a later build
        assertThat(parse("tags: {}\ntests: {}\nmodules: {}\nkms: {}\n").laterSections()).containsOnlyKeys("tags", "tests", "modules", "kms");
    }

    @Test
    void fieldsTheGatewayGives_areRefused_notBoundAndDropped() {
        assertThatThrownBy(() -> parse("models:\n  m: [ { publicModel: other, provider: simulator, upstreamModel: x } ]\n"))
                .isInstanceOf(ConfigException.class).hasMessage("models.m[0]: unknown field 'publicModel'");
        assertThatThrownBy(() -> parse("teams: [ { name: a, source: api } ]\n")).hasMessage("teams[0]: unknown field 'source'");
        assertThatThrownBy(() -> parse("keys: [ { name: a, id: key_custom } ]\n")).hasMessage("keys[0]: unknown field 'id'");
        assertThatThrownBy(() -> parse("keys: [ { name: a, expiresAt: soon } ]\n")).hasMessageContaining("keys[0].expiresAt: must be a date-time");
    }

    @Test
    void parse_wrongValueType_namesThePath() {
        assertThatThrownBy(() -> parse(SAMPLE.replace("weight: 2", "weight: heavy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("models.general[1].weight");
    }

    @Test
    void parse_emptyFile_isEmptyConfig() {
        assertThat(parse("")).isEqualTo(GatewayConfig.EMPTY);
        assertThat(parse("# only a comment\n")).isEqualTo(GatewayConfig.EMPTY);
    }

    @Test
    void parse_notYamlOrNotAMapping_isConfigException() {
        assertThatThrownBy(() -> parse("models: [unclosed")).isInstanceOf(ConfigException.class).hasMessageContaining("YAML");
        assertThatThrownBy(() -> parse("- a\n- b\n")).isInstanceOf(ConfigException.class).hasMessageContaining("mapping");
    }

    @Test
    void aValueOfTheWrongType_isNamedByItsField_withoutQuotingTheValue() {
        var loader = new ConfigLoader(Map.of("SECRET", "sk-secret-value-0123456789")::get, PROVIDERS);
        assertThatThrownBy(() -> loader.parse("models:\n  m: [ { provider: simulator, upstreamModel: x, weight: \"${SECRET}\" } ]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("models.m[0].weight: must be a whole number")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aFractionWhereAWholeNumberGoes_isRefused_notCut() {
        assertThatThrownBy(() -> parse("router: { maxAttempts: 2.7 }\n")).isInstanceOf(ConfigException.class)
                .hasMessage("router.maxAttempts: must be a whole number");
        assertThatThrownBy(() -> parse("router: { backoff: { baseMs: 10.9 } }\n")).isInstanceOf(ConfigException.class)
                .hasMessage("router.backoff.baseMs: must be a whole number");
        assertThatThrownBy(() -> parse("models:\n  m: [ { provider: simulator, upstreamModel: x, weight: 1.5 } ]\n"))
                .isInstanceOf(ConfigException.class).hasMessage("models.m[0].weight: must be a whole number");
        assertThat(parse("router: { maxAttempts: \"3\" }\n").routerSettings().maxAttempts()).as("${VAR} expands to text").isEqualTo(3);
        assertThat(parse("router: { maxAttempts: 3.0, backoff: { baseMs: 1e2 } }\n").routerSettings().backoff().baseMs())
                .as("a whole number written as a float").isEqualTo(100L);
    }

    @Test
    void load_readsFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("switchboard.yaml"), SAMPLE);
        assertThat(new ConfigLoader(ENV::get, PROVIDERS).load(file)).isEqualTo(parse(SAMPLE));
    }

    @Test
    void load_missingFile_isConfigExceptionNamingItsFullPathAndWhy(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> new ConfigLoader(ENV::get, PROVIDERS).load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void aPricingThatPricesNothing_stopsTheLoad_namingIt() {
        var loader = new ConfigLoader(Map.<String, String>of()::get,
                new ConfigValidator(PROVIDERS, PriceCatalog.standard()::pricesAlone));
        assertThatThrownBy(() -> loader.parse("""
                models:
                  local:
                    - { provider: openai-compatible, upstreamModel: my-local, baseUrl: "http://127.0.0.1:9/v1", pricing: { outputPerMTokens: 2 } }
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("models.local[0].pricing").hasMessageContaining("inputPerMTokens");
        // both prices, or a model the catalog knows with one of them overridden, are fine
        assertThat(loader.parse("""
                models:
                  local:
                    - { provider: openai-compatible, upstreamModel: my-local, baseUrl: "http://127.0.0.1:9/v1", pricing: { inputPerMTokens: 1, outputPerMTokens: 2 } }
                  mini:
                    - { provider: openai, upstreamModel: gpt-4o-mini, pricing: { outputPerMTokens: 0.5 }, credentials: { apiKey: k } }
                """).models()).containsKeys("local", "mini");
    }

    @Test
    void notYaml_isOneLine_sayingWhereAndWhat() {
        assertThatThrownBy(() -> parse("models:\n  a: [ {provider: x\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").startsWith("config file is not valid YAML: ")
                        .contains("line 2, column 8").contains("expected ',' or '}'"));
    }
}
