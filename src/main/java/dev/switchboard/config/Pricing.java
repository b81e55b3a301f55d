package dev.switchboard.config;

/** USD per million tokens; null where the deployment does not override the catalog price. */
public record Pricing(Double inputPerMTokens, Double outputPerMTokens, Double cachedInputPerMTokens, Double cacheWritePerMTokens) {}
