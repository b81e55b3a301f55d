package dev.switchboard.limit;

import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.Budget;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.TeamSpec;
import dev.switchboard.store.UsageRepository;
import dev.switchboard.usage.UsageGroup;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives an in-process limiter the spend its budgets already carry in the current period, summed
 * from the store's usage records, so that a restart does not hand a budget out again. Blocking
 * JDBC: runs once at start, before the gateway serves. (A shared limiter in Redis keeps its own
 * spend across gateway restarts.)
 */
public final class BudgetSeeds {

    private BudgetSeeds() {}

    /** @return how many scopes were given a spend */
    public static int seed(LocalLimiter limiter, ConfigSnapshot snapshot, UsageRepository usage, long nowMs) {
        Map<BudgetPeriod, Map<String, Double>> keySpend = new EnumMap<>(BudgetPeriod.class);
        Map<BudgetPeriod, Map<String, Double>> teamSpend = new EnumMap<>(BudgetPeriod.class);
        int seeded = 0;
        for (VirtualKey k : snapshot.keysByHash().values()) {
            if (!budgeted(k.budget())) continue;
            BudgetPeriod p = BudgetPeriod.of(k.budget().period());
            Double spent = keySpend.computeIfAbsent(p, q -> spend(usage, UsageGroup.By.KEY, q, nowMs)).get(k.id());
            if (spent != null && spent > 0) {
                limiter.seedSpend("key:" + k.id(), p, spent);
                seeded++;
            }
        }
        for (TeamSpec t : snapshot.teams().values()) {
            if (!budgeted(t.budget())) continue;
            BudgetPeriod p = BudgetPeriod.of(t.budget().period());
            Double spent = teamSpend.computeIfAbsent(p, q -> spend(usage, UsageGroup.By.TEAM, q, nowMs)).get(t.id());
            if (spent != null && spent > 0) {
                limiter.seedSpend("team:" + t.id(), p, spent);
                seeded++;
            }
        }
        return seeded;
    }

    private static boolean budgeted(Budget b) {
        return b != null && b.maxUsd() != null;
    }

    private static Map<String, Double> spend(UsageRepository usage, UsageGroup.By by, BudgetPeriod period, long nowMs) {
        Map<String, Double> out = new HashMap<>();
        Instant from = Instant.ofEpochMilli(period.startMs(nowMs));
        Instant to = Instant.ofEpochMilli(nowMs).plusSeconds(86_400); // records stamped a little ahead of this clock count too
        for (UsageGroup g : usage.summarize(by, from, to)) {
            if (g.group() != null && g.costUsd() != null) out.put(g.group(), g.costUsd());
        }
        return out;
    }
}
