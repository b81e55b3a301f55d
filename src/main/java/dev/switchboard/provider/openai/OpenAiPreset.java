package dev.switchboard.provider.openai;

import dev.switchboard.provider.Capabilities;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One server of the OpenAI-compatible family, as data: where it lives, how it authenticates, what
 * it accepts. The one {@link OpenAiProvider} serves every preset.
 *
 * @param defaultBaseUrl   the base URL including the version path, or null when a deployment must give one
 * @param apiKeyEnv        the environment variable that holds its key and enables direct routing
 * @param baseUrlEnv       the environment variable that moves it (and, for keyless local servers, enables it)
 * @param keyRequired      whether a deployment without an API key is a configuration error
 * @param directPrefixes   bare model-name prefixes routed to it when its key is set
 * @param unsupported      request fields its server rejects: dropped or refused by the parameter policy
 * @param renamed          request fields its server spells differently (ours → theirs)
 * @param paths            where its operations live under the base URL, per deployment
 * @param authHeader       the header that carries the key as it is ({@code api-key} for Azure), or
 *                         null for {@code Authorization: Bearer <key>}
 */
public record OpenAiPreset(
        String id,
        String defaultBaseUrl,
        String apiKeyEnv,
        String baseUrlEnv,
        boolean keyRequired,
        Capabilities capabilities,
        List<String> directPrefixes,
        Set<String> unsupported,
        Map<String, String> renamed,
        OpenAiPaths paths,
        String authHeader) {

    public OpenAiPreset {
        // sorted: the rewrite walks these, and a body must come out the same on every run (Map.of's order is not)
        unsupported = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(unsupported));
        renamed = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(renamed));
    }

    /** A preset at the OpenAI paths ({@code /chat/completions} under the base URL) with bearer auth. */
    public OpenAiPreset(String id, String defaultBaseUrl, String apiKeyEnv, String baseUrlEnv, boolean keyRequired,
                        Capabilities capabilities, List<String> directPrefixes, Set<String> unsupported, Map<String, String> renamed) {
        this(id, defaultBaseUrl, apiKeyEnv, baseUrlEnv, keyRequired, capabilities, directPrefixes, unsupported, renamed,
                OpenAiPaths.STANDARD, null);
    }
}
