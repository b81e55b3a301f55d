package dev.switchboard.config;

/** A spend cap in USD over a period: daily, weekly, monthly (UTC calendar) or total. */
public record Budget(Double maxUsd, String period) {}
