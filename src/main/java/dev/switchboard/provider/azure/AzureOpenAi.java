package dev.switchboard.provider.azure;

import dev.switchboard.provider.Capabilities;
import dev.switchboard.provider.openai.OpenAiPaths;
import dev.switchboard.provider.openai.OpenAiPreset;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.UriEncoding;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Azure OpenAI as a preset of the one OpenAI adapter: the wire format is OpenAI's, only where it
 * lives and how it authenticates differ (facts from Azure OpenAI's REST reference).
 * <ul>
 *   <li>The base URL is the resource root ({@code https://NAME.openai.azure.com}), from the
 *       deployment or {@code AZURE_OPENAI_ENDPOINT} — the variable Azure's own SDKs read.</li>
 *   <li>A deployment with an {@code apiVersion} uses the dated API: the Azure deployment (our
 *       {@code upstreamModel}) is in the path, {@code api-version} in the query, and the body
 *       carries no {@code model}. Without one, the v1 API ({@code /openai/v1/…}), which takes the
 *       Azure deployment name as {@code model} like OpenAI does and needs no version.</li>
 *   <li>The key goes in {@code api-key} as it is, not as a bearer token; from the deployment's
 *       {@code credentials.apiKey} or {@code AZURE_OPENAI_API_KEY}.</li>
 * </ul>
 * A content-filter refusal (HTTP 400, {@code code: content_filter}) is classified by
 * {@link dev.switchboard.provider.UpstreamErrors} as {@code content_policy_violation}; a filtered
 * completion's {@code finish_reason: content_filter} maps like OpenAI's.
 */
public final class AzureOpenAi {

    private AzureOpenAi() {}

    public static final String API_KEY_ENV = "AZURE_OPENAI_API_KEY";
    public static final String ENDPOINT_ENV = "AZURE_OPENAI_ENDPOINT";
    public static final String AUTH_HEADER = "api-key";

    /** The dated API when the deployment names an {@code apiVersion}, else the v1 API. */
    public static final OpenAiPaths PATHS = new OpenAiPaths() {
        @Override
        public String chat(Deployment d) {
            return path(d, "chat/completions");
        }

        @Override
        public String embeddings(Deployment d) {
            return path(d, "embeddings");
        }

        @Override
        public boolean modelInBody(Deployment d) {
            return apiVersion(d) == null;
        }
    };

    //                                                  chat  stream tools vision schema embed  usageOpt usageAlways
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, true, true, true, false);

    public static final OpenAiPreset PRESET = new OpenAiPreset("azure", null, API_KEY_ENV, ENDPOINT_ENV, true, CAPABILITIES,
            List.of(), Set.of(), Map.of(), PATHS, AUTH_HEADER);

    static String path(Deployment d, String operation) {
        String version = apiVersion(d);
        if (version == null) return "/openai/v1/" + operation;
        return "/openai/deployments/" + UriEncoding.segment(d.upstreamModel()) + "/" + operation + "?api-version=" + UriEncoding.encode(version);
    }

    private static String apiVersion(Deployment d) {
        String v = d.spec().apiVersion();
        return v == null || v.isBlank() ? null : v.trim();
    }
}
