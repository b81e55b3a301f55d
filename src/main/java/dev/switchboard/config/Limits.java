package dev.switchboard.config;

/** Per-key or per-team limits; null means unlimited. Enforced by the limits issue, kept now. */
public record Limits(Long rpm, Long tpm, Long rpd, Integer maxConcurrent, Integer maxTokensPerRequest) {}
