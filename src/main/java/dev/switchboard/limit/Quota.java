package dev.switchboard.limit;

import dev.switchboard.config.Budget;
import dev.switchboard.config.Limits;

/**
 * What one scope allows: a virtual key ({@code key:<id>}) or a team ({@code team:<id>}), with its
 * limits and budget as the snapshot has them now (either may be null). The limiter keeps its
 * state by {@code scope}, so a changed limit applies to the state already counted.
 */
public record Quota(String scope, Limits limits, Budget budget) {

    public Long rpm() {
        return limits == null ? null : limits.rpm();
    }

    public Long tpm() {
        return limits == null ? null : limits.tpm();
    }

    public Long rpd() {
        return limits == null ? null : limits.rpd();
    }

    public Integer maxConcurrent() {
        return limits == null ? null : limits.maxConcurrent();
    }

    public boolean hasBudget() {
        return budget != null && budget.maxUsd() != null;
    }

    /** Whether anything here needs counting; a quota with nothing set is skipped entirely. */
    public boolean counts() {
        return rpm() != null || tpm() != null || rpd() != null || maxConcurrent() != null || hasBudget();
    }
}
