package dev.switchboard.config;

/**
 * A spend cap in USD over a period: daily, weekly, monthly (UTC calendar) or total. A budget
 * given without a period is a total one, and says so when it is read back.
 */
public record Budget(Double maxUsd, String period) {

    public Budget {
        if (period == null) period = "total";
    }
}
