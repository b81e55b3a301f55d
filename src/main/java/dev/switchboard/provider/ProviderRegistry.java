package dev.switchboard.provider;

import dev.switchboard.provider.anthropic.AnthropicProvider;
import dev.switchboard.provider.azure.AzureOpenAi;
import dev.switchboard.provider.cohere.CohereProvider;
import dev.switchboard.provider.compat.CompatPresets;
import dev.switchboard.provider.gemini.GeminiProvider;
import dev.switchboard.provider.openai.OpenAiProvider;
import dev.switchboard.provider.simulator.SimulatorProvider;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every provider this build has, by id. Registering one is one line in {@link #standard}. */
public final class ProviderRegistry {

    private final Map<String, Provider> providers = new LinkedHashMap<>();

    public static ProviderRegistry standard(Clock clock) {
        ProviderRegistry r = new ProviderRegistry();
        r.register(new OpenAiProvider(CompatPresets.OPENAI));
        CompatPresets.FAMILY.forEach(p -> r.register(new OpenAiProvider(p)));
        r.register(new OpenAiProvider(AzureOpenAi.PRESET));
        r.register(new AnthropicProvider(clock));
        r.register(new GeminiProvider(clock));
        r.register(new CohereProvider(clock));
        r.register(new dev.switchboard.provider.bedrock.BedrockProvider(clock));
        r.register(new dev.switchboard.provider.vertex.VertexProvider(clock));
        r.register(new SimulatorProvider(clock));
        return r;
    }

    public void register(Provider p) {
        if (providers.putIfAbsent(p.id(), p) != null) throw new IllegalStateException("provider registered twice: " + p.id());
    }

    public Optional<Provider> find(String id) {
        return Optional.ofNullable(providers.get(id));
    }

    public Set<String> ids() {
        return providers.keySet();
    }

    public Collection<Provider> all() {
        return providers.values();
    }
}
