package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Pricing;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriceCatalogTest {

    private static final PriceCatalog CATALOG = PriceCatalog.standard();

    private static Optional<String> entry(String provider, String model) {
        return CATALOG.model(provider, model).map(m -> m.provider() + "/" + m.id());
    }

    private static DeploymentSpec spec(String provider, String model, Pricing pricing) {
        return new DeploymentSpec("dep_1", "pub", provider, model, Map.of(), null, null, 1, null, null, null, pricing, null, null,
                true, "api");
    }

    @Test
    void shippedCatalog_coversEverySupportedProvider_withItsDate() {
        assertThat(CATALOG.asOf()).isEqualTo("2026-11");
        assertThat(entry("openai", "gpt-4o")).contains("openai/gpt-4o");
        assertThat(entry("anthropic", "claude-sonnet-4-5")).contains("anthropic/claude-sonnet-4-5");
        assertThat(entry("gemini", "gemini-2.5-pro")).contains("gemini/gemini-2.5-pro");
        assertThat(entry("mistral", "mistral-large-latest")).contains("mistral/mistral-large");
        assertThat(entry("groq", "llama-3.3-70b-versatile")).contains("groq/llama-3.3-70b-versatile");
        assertThat(entry("xai", "grok-4-0709")).contains("xai/grok-4");
        assertThat(entry("deepseek", "deepseek-chat")).contains("deepseek/deepseek-chat");
        assertThat(entry("cohere", "command-a-03-2025")).contains("cohere/command-a");
        assertThat(entry("simulator", "simulator-echo")).contains("simulator/simulator-echo");
    }

    @Test
    void datedIds_matchTheirModel_butOtherVariantsDoNot() {
        assertThat(entry("openai", "gpt-4o-2024-08-06")).contains("openai/gpt-4o");
        assertThat(entry("openai", "gpt-4o-mini-2024-07-18")).contains("openai/gpt-4o-mini");
        assertThat(entry("openai", "GPT-4.1-2025-04-14")).contains("openai/gpt-4.1");
        assertThat(entry("anthropic", "claude-3-5-haiku-20241022")).contains("anthropic/claude-3-5-haiku");
        assertThat(entry("anthropic", "claude-3-5-haiku-latest")).contains("anthropic/claude-3-5-haiku");
        assertThat(entry("gemini", "models/gemini-2.0-flash-001")).contains("gemini/gemini-2.0-flash");
        assertThat(entry("openai", "gpt-4o-audio-preview")).isEmpty();
        assertThat(entry("openai", "gpt-4o-realtime")).isEmpty();
        assertThat(entry("openai", "unknown-model")).isEmpty();
        assertThat(entry("ollama", "llama3")).isEmpty();
    }

    @Test
    void azure_readsOpenAiPrices_vertex_readsGeminiAndAnthropic() {
        assertThat(entry("azure", "gpt-4o-mini")).contains("openai/gpt-4o-mini");
        assertThat(entry("azure", "my-company-deployment")).isEmpty();
        assertThat(entry("vertex", "gemini-2.5-flash")).contains("gemini/gemini-2.5-flash");
        assertThat(entry("vertex", "claude-sonnet-4-5@20250929")).contains("anthropic/claude-sonnet-4-5");
        assertThat(entry("vertex", "publishers/google/models/gemini-2.5-pro")).contains("gemini/gemini-2.5-pro");
    }

    @Test
    void bedrockIds_loseRegionAndVersion_andFindTheVendorsPrices() {
        assertThat(entry("bedrock", "amazon.nova-pro-v1:0")).contains("bedrock/amazon.nova-pro");
        assertThat(entry("bedrock", "us.amazon.nova-lite-v1:0")).contains("bedrock/amazon.nova-lite");
        assertThat(entry("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0")).contains("anthropic/claude-3-5-sonnet");
        assertThat(entry("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0")).contains("anthropic/claude-sonnet-4");
        assertThat(entry("bedrock", "global.anthropic.claude-haiku-4-5-20251001-v1:0")).contains("anthropic/claude-haiku-4-5");
        assertThat(entry("bedrock", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0"))
                .contains("anthropic/claude-opus-4-1");
        assertThat(entry("bedrock", "ai21.jamba-1-5-large-v1:0")).isEmpty();
    }

    @Test
    void catalogPrice_carriesCachedAndCacheWritePrices_andContextLimits() {
        PriceCatalog.Model m = CATALOG.model("anthropic", "claude-sonnet-4-5").orElseThrow();
        assertThat(m.price()).isEqualTo(new Price(3.0, 15.0, 0.30, 3.75, Double.NaN));
        assertThat(m.contextWindow()).isEqualTo(200_000);
        assertThat(m.maxOutputTokens()).isEqualTo(64_000);
        assertThat(m.capabilities()).contains("tools", "vision", "reasoning", "json_schema");
        // no cached price listed: cached input costs as input
        assertThat(CATALOG.model("groq", "llama-3.1-8b-instant").orElseThrow().price().cachedInputPerMTokens()).isEqualTo(0.05);
    }

    @Test
    void deploymentPricing_overridesTheCatalogFieldByField() {
        PriceCatalog.Effective e = CATALOG.effective(spec("openai", "gpt-4o", new Pricing(null, 12.0, null, null)));
        assertThat(e.source()).isEqualTo("deployment");
        assertThat(e.price()).contains(new Price(2.5, 12.0, 1.25, 2.5, Double.NaN));
        assertThat(CATALOG.effective(spec("openai", "gpt-4o", null)).source()).isEqualTo("catalog");
        assertThat(CATALOG.effective(spec("openai", "gpt-4o", new Pricing(null, null, null, null))).source()).isEqualTo("catalog");
    }

    @Test
    void deploymentPricing_pricesAModelTheCatalogLacks_onlyWithInputAndOutput() {
        PriceCatalog.Effective full = CATALOG.effective(spec("ollama", "llama3", new Pricing(0.5, 1.5, null, null)));
        assertThat(full.source()).isEqualTo("deployment");
        assertThat(full.price()).contains(new Price(0.5, 1.5, 0.5, 0.5, Double.NaN));
        PriceCatalog.Effective half = CATALOG.effective(spec("ollama", "llama3", new Pricing(0.5, null, null, null)));
        assertThat(half.source()).isEqualTo("none");
        assertThat(half.price()).isEmpty();
        assertThat(CATALOG.price(spec("ollama", "llama3", null))).isEmpty();
        assertThat(CATALOG.effective(spec("ollama", "llama3", null)).source()).isEqualTo("none");
    }

    @Test
    void simulator_isPricedAtRoundNumbers_andOneModelPricesReasoningApart() {
        assertThat(CATALOG.model("simulator", "echo").orElseThrow().price()).isEqualTo(new Price(1.0, 2.0, 0.5, 1.25, Double.NaN));
        assertThat(CATALOG.model("simulator", "sim-reasoner").orElseThrow().price().reasoningPerMTokens()).isEqualTo(4.0);
        assertThat(CATALOG.model("simulator", "any-model-at-all").orElseThrow().price()).as("the simulator's * entry")
                .isEqualTo(new Price(1.0, 2.0, 0.5, 1.25, Double.NaN));
        assertThat(CATALOG.model("openai", "not-a-model")).as("only the simulator has a * entry").isEmpty();
    }

    @Test
    void aCatalogEntryWithoutAnOutputPrice_failsTheLoadNamingIt() {
        byte[] bad = "{\"providers\":{\"openai\":{\"models\":{\"gpt-x\":{\"input\":1}}}}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PriceCatalog.parse(bad)).hasMessageContaining("openai/gpt-x");
    }
}
