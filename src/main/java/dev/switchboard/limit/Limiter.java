package dev.switchboard.limit;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Admission by limits and budgets, all or nothing over a request's scopes (its key, its team):
 * either every scope admits and every one counts the request, or none counts it.
 * In process ({@link LocalLimiter}) or in Redis, shared by every instance.
 */
public interface Limiter extends AutoCloseable {

    Future<Admission> admit(List<Quota> quotas, Demand demand);

    /**
     * What the store says each budgeted scope has spent in its current period ({@link StoredSpend}),
     * replacing what was given before; a budget never counts less than it. Any thread.
     */
    void storedSpend(Map<String, StoredSpend> spend);

    @Override
    default void close() {}
}
