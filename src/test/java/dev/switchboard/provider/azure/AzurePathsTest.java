package dev.switchboard.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.routing.Deployment;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzurePathsTest {

    private static Deployment deployment(String name, String apiVersion) {
        DeploymentSpec spec = new DeploymentSpec("dep_1", "m", "azure", name, Map.of(), "https://res.openai.azure.com", apiVersion,
                1, null, null, null, null, null, Map.of(), true, "api");
        return new Deployment(spec, null, URI.create("https://res.openai.azure.com"), "k", null);
    }

    @Test
    void withApiVersion_datedPaths_deploymentAndVersionEncoded_noModelInBody() {
        Deployment d = deployment("gpt 4o/eu", "2024-10-21");
        assertThat(AzureOpenAi.PATHS.chat(d)).isEqualTo("/openai/deployments/gpt%204o%2Feu/chat/completions?api-version=2024-10-21");
        assertThat(AzureOpenAi.PATHS.embeddings(d)).isEqualTo("/openai/deployments/gpt%204o%2Feu/embeddings?api-version=2024-10-21");
        assertThat(AzureOpenAi.PATHS.modelInBody(d)).isFalse();
    }

    @Test
    void withoutApiVersion_v1Paths_modelInBody() {
        for (String none : new String[] {null, " "}) {
            Deployment d = deployment("gpt-4o", none);
            assertThat(AzureOpenAi.PATHS.chat(d)).isEqualTo("/openai/v1/chat/completions");
            assertThat(AzureOpenAi.PATHS.embeddings(d)).isEqualTo("/openai/v1/embeddings");
            assertThat(AzureOpenAi.PATHS.modelInBody(d)).isTrue();
        }
    }

    @Test
    void preset_apiKeyHeader_azureEnvironment_noDefaultBase() {
        assertThat(AzureOpenAi.PRESET.authHeader()).isEqualTo("api-key");
        assertThat(AzureOpenAi.PRESET.apiKeyEnv()).isEqualTo("AZURE_OPENAI_API_KEY");
        assertThat(AzureOpenAi.PRESET.baseUrlEnv()).isEqualTo("AZURE_OPENAI_ENDPOINT");
        assertThat(AzureOpenAi.PRESET.defaultBaseUrl()).isNull();
        assertThat(AzureOpenAi.PRESET.capabilities().streamUsageOption()).isTrue();
        assertThat(AzureOpenAi.PRESET.directPrefixes()).isEmpty();
    }
}
