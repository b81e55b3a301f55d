package dev.switchboard.provider;

/**
 * What a provider (or a preset of the OpenAI-compatible family) can do, as data. The pipeline
 * reads it to decide routing and parameter policy; the conformance tests read it to decide what to
 * check.
 *
 * @param streamUsageOption whether the server takes {@code stream_options.include_usage}
 * @param streamUsageAlways whether the server sends usage at the end of every stream unasked
 */
public record Capabilities(
        boolean chat,
        boolean streaming,
        boolean tools,
        boolean vision,
        boolean jsonSchema,
        boolean embeddings,
        boolean streamUsageOption,
        boolean streamUsageAlways) {}
