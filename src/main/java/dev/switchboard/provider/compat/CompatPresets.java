package dev.switchboard.provider.compat;

import dev.switchboard.provider.Capabilities;
import dev.switchboard.provider.openai.OpenAiPreset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAI-compatible family, one line of data each (facts from each provider's public API
 * docs): base URL, key variable, capabilities, and the request fields its server refuses or
 * spells differently. {@code streamUsageOption} says whether it takes
 * {@code stream_options.include_usage}; {@code streamUsageAlways} whether it sends usage at the end
 * of a stream unasked. Servers that take only the older {@code max_tokens} get
 * {@code max_completion_tokens} renamed to it. Adding a provider of this family is adding a line here.
 */
public final class CompatPresets {

    private CompatPresets() {}

    //                                                chat  stream tools vision schema embed  usageOpt usageAlways
    private static final Capabilities FULL = new Capabilities(true, true, true, true, true, true, true, false);
    private static final Capabilities NO_EMBED = new Capabilities(true, true, true, true, true, false, true, false);
    /** For servers whose API has only {@code max_tokens}: OpenAI's newer name is renamed to it. */
    private static final Map<String, String> MAX_TOKENS = Map.of("max_completion_tokens", "max_tokens");

    public static final OpenAiPreset OPENAI = new OpenAiPreset("openai", "https://api.openai.com/v1", "OPENAI_API_KEY",
            "OPENAI_BASE_URL", true, FULL, List.of("gpt-", "o1", "o3", "o4", "chatgpt-"), Set.of(), Map.of());

    public static final List<OpenAiPreset> FAMILY = List.of(
            new OpenAiPreset("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", "MISTRAL_BASE_URL", true,
                    new Capabilities(true, true, true, true, true, true, false, true), List.of("mistral-", "codestral-"),
                    Set.of("logit_bias", "logprobs", "top_logprobs", "user", "service_tier", "store", "metadata"),
                    Map.of("seed", "random_seed", "max_completion_tokens", "max_tokens")),
            new OpenAiPreset("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_BASE_URL", true,
                    NO_EMBED, List.of(), Set.of("logit_bias", "logprobs", "top_logprobs", "store", "metadata"), Map.of()),
            new OpenAiPreset("xai", "https://api.x.ai/v1", "XAI_API_KEY", "XAI_BASE_URL", true,
                    NO_EMBED, List.of("grok-"), Set.of("store", "metadata"), Map.of()),
            new OpenAiPreset("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL", true,
                    new Capabilities(true, true, true, false, false, false, true, false), List.of("deepseek-"),
                    Set.of("n", "seed", "store", "metadata"), MAX_TOKENS),
            new OpenAiPreset("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_BASE_URL", true,
                    FULL, List.of(), Set.of("store", "metadata"), MAX_TOKENS),
            new OpenAiPreset("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", "FIREWORKS_BASE_URL", true,
                    FULL, List.of(), Set.of("store", "metadata"), MAX_TOKENS),
            new OpenAiPreset("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", true,
                    NO_EMBED, List.of(), Set.of("store"), MAX_TOKENS),
            new OpenAiPreset("perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY", "PERPLEXITY_BASE_URL", true,
                    new Capabilities(true, true, false, true, true, false, false, true), List.of(),
                    Set.of("tools", "tool_choice", "parallel_tool_calls", "logit_bias", "logprobs", "top_logprobs", "n",
                            "seed", "stop", "store", "metadata", "stream_options"), MAX_TOKENS),
            new OpenAiPreset("ollama", "http://localhost:11434/v1", null, "OLLAMA_BASE_URL", false,
                    FULL, List.of(), Set.of("store", "metadata", "logit_bias"), MAX_TOKENS),
            new OpenAiPreset("lmstudio", "http://localhost:1234/v1", null, "LMSTUDIO_BASE_URL", false,
                    FULL, List.of(), Set.of("store", "metadata", "logit_bias"), MAX_TOKENS),
            new OpenAiPreset("vllm", "http://localhost:8000/v1", "VLLM_API_KEY", "VLLM_BASE_URL", false,
                    FULL, List.of(), Set.of("store", "metadata"), Map.of()),
            new OpenAiPreset("openai-compatible", null, null, null, false,
                    FULL, List.of(), Set.of(), Map.of()));
}
