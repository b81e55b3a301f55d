package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.auth.Principal;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.ProviderRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRouterTest {

    private static final ProviderRegistry REGISTRY = ProviderRegistry.standard(Clock.systemUTC());
    private static final String CATALOG = """
            models:
              general: [ { provider: simulator, upstreamModel: echo } ]
              gpt-4o-mini: [ { provider: simulator, upstreamModel: shadow } ]
              retired: [ { provider: simulator, upstreamModel: old, enabled: false } ]
            """;

    private static ConfigSnapshot snapshot(Map<String, String> env) {
        return new SnapshotBuilder(REGISTRY, env::get, Clock.systemUTC())
                .build(new ConfigLoader(env::get, REGISTRY.ids()).parse(CATALOG), 1);
    }

    private static Principal key(String... allowedModels) {
        return new Principal(false, new VirtualKey("key_1", "k", "00", "sk", null, List.of(allowedModels), null, null, null, null, true, null, "api", null, null));
    }

    private static GatewayError error(ConfigSnapshot s, String model, Principal p) {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> ModelRouter.resolve(s, model, p));
        assertThat(e).as("no error for %s", model).isNotNull();
        assertThat(e.param()).isEqualTo("model");
        return e;
    }

    private static void assertNotFound(ConfigSnapshot s, String model, Principal p) {
        GatewayError e = error(s, model, p);
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.kind().code()).isEqualTo("model_not_found");
    }

    private static void assertNotAllowed(ConfigSnapshot s, String model, Principal p) {
        GatewayError e = error(s, model, p);
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.kind().code()).isEqualTo("model_not_allowed");
    }

    @Test
    void resolve_catalogModel_returnsItsPool() {
        ModelPool pool = ModelRouter.resolve(snapshot(Map.of()), "general", Principal.MASTER);
        assertThat(pool.publicModel()).isEqualTo("general");
        assertThat(pool.deployments()).extracting(Deployment::upstreamModel).containsExactly("echo");
    }

    @Test
    void resolve_catalogModelWinsOverDirectPrefixRoute() {
        ModelPool pool = ModelRouter.resolve(snapshot(Map.of("OPENAI_API_KEY", "k")), "gpt-4o-mini", Principal.MASTER);
        assertThat(pool.deployments()).extracting(d -> d.provider().id()).containsExactly("simulator");
    }

    @Test
    void resolve_providerSlashModel_routesDirectlyOnlyWithTheKey() {
        ModelPool pool = ModelRouter.resolve(snapshot(Map.of("OPENAI_API_KEY", "k")), "openai/gpt-4o", Principal.MASTER);
        assertThat(pool.publicModel()).isEqualTo("openai/gpt-4o");
        assertThat(pool.deployments()).singleElement().satisfies(d -> {
            assertThat(d.provider().id()).isEqualTo("openai");
            assertThat(d.upstreamModel()).isEqualTo("gpt-4o");
        });
        assertNotFound(snapshot(Map.of()), "openai/gpt-4o", Principal.MASTER);
    }

    @Test
    void resolve_bareNameByPrefix_routesToOpenAiWithTheKey() {
        ConfigSnapshot s = snapshot(Map.of("OPENAI_API_KEY", "k"));
        assertThat(ModelRouter.resolve(s, "gpt-4.1-nano", Principal.MASTER).deployments().getFirst().provider().id()).isEqualTo("openai");
        assertNotFound(snapshot(Map.of()), "gpt-4.1-nano", Principal.MASTER);
    }

    @Test
    void resolve_simulatorSlashAnything_alwaysRoutes() {
        ModelPool pool = ModelRouter.resolve(snapshot(Map.of()), "simulator/anything", Principal.MASTER);
        assertThat(pool.deployments().getFirst().upstreamModel()).isEqualTo("anything");
    }

    @Test
    void resolve_ollamaModel_routesWhenBaseUrlSet() {
        assertNotFound(snapshot(Map.of()), "ollama/llama3", Principal.MASTER);
        ModelPool pool = ModelRouter.resolve(snapshot(Map.of("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1")), "ollama/llama3", Principal.MASTER);
        assertThat(pool.deployments().getFirst().provider().id()).isEqualTo("ollama");
        assertThat(pool.deployments().getFirst().upstreamModel()).isEqualTo("llama3");
    }

    @Test
    void resolve_unknownModel_is404NamingModel() {
        ConfigSnapshot s = snapshot(Map.of("OPENAI_API_KEY", "k"));
        assertNotFound(s, "no-such-model", Principal.MASTER);
        assertNotFound(s, "anthropic/claude-3", Principal.MASTER);
        assertNotFound(s, "simulator/", Principal.MASTER);
        assertNotFound(s, "no-such-model", key("general"));
    }

    @Test
    void resolve_catalogModelWithoutEnabledDeployment_is404() {
        assertNotFound(snapshot(Map.of()), "retired", Principal.MASTER);
    }

    @Test
    void resolve_keyNotAllowedTheCatalogModel_is403() {
        ConfigSnapshot s = snapshot(Map.of());
        assertNotAllowed(s, "general", key("other"));
        assertThat(ModelRouter.resolve(s, "general", key("other", "general")).publicModel()).isEqualTo("general");
    }

    @Test
    void resolve_keyWithEmptyAllowList_mayUseEverything() {
        ConfigSnapshot s = snapshot(Map.of("OPENAI_API_KEY", "k"));
        assertThat(ModelRouter.resolve(s, "general", key()).publicModel()).isEqualTo("general");
        assertThat(ModelRouter.resolve(s, "openai/gpt-4o", key()).publicModel()).isEqualTo("openai/gpt-4o");
    }

    @Test
    void resolve_providerWildcard_allowsDirectRoutesOfThatProviderOnly() {
        ConfigSnapshot s = snapshot(Map.of("OPENAI_API_KEY", "k"));
        Principal p = key("openai/*");
        assertThat(ModelRouter.resolve(s, "openai/gpt-4o", p).deployments()).hasSize(1);
        assertThat(ModelRouter.resolve(s, "o3-mini", p).deployments().getFirst().provider().id()).isEqualTo("openai");
        assertNotAllowed(s, "simulator/echo", p);
        assertNotAllowed(s, "general", p);
    }

    @Test
    void resolve_exactDirectName_allowsThatModelOnly() {
        ConfigSnapshot s = snapshot(Map.of("OPENAI_API_KEY", "k"));
        Principal p = key("openai/gpt-4o");
        assertThat(ModelRouter.resolve(s, "openai/gpt-4o", p).deployments()).hasSize(1);
        assertNotAllowed(s, "openai/gpt-4o-2024-08-06", p);
        assertNotAllowed(s, "gpt-4.1", p);
    }
}
