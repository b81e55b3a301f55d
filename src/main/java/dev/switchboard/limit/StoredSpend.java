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
 * What a budgeted scope ({@code key:<id>}, {@code team:<id>}) has spent in one budget period, as
 * the store's usage records say. A limiter never counts less than this for that period, so a
 * budget is not handed out again when its counting starts over: a restart, a period changed or a
 * budget added to a key that has spent already, a Redis ledger lost, an instance counting alone
 * through a Redis outage. It is a floor, not the count itself: the records trail the limiter's own
 * settlements by about a second, so the limiter takes the larger of the two.
 */
public record StoredSpend(BudgetPeriod period, long startMs, double usd) {

    /** The floor for {@code period} starting at {@code startMs}, or 0 when this one is of another period. */
    public double floorFor(BudgetPeriod p, long start) {
        return period == p && startMs == start ? usd : 0;
    }

    /**
     * The budgets of {@code snapshot}: each key's and team's scope with a budget, and its period.
     * When this is unchanged between two snapshots, so is what {@link #of} would read.
     */
    public static Map<String, BudgetPeriod> budgets(ConfigSnapshot snapshot) {
        Map<String, BudgetPeriod> out = new HashMap<>();
        for (VirtualKey k : snapshot.keysByHash().values()) {
            if (budgeted(k.budget())) out.put("key:" + k.id(), BudgetPeriod.of(k.budget().period()));
        }
        for (TeamSpec t : snapshot.teams().values()) {
            if (budgeted(t.budget())) out.put("team:" + t.id(), BudgetPeriod.of(t.budget().period()));
        }
        return out;
    }

    /**
     * The current period's spend of each of {@code budgets} ({@link #budgets}), summed from the
     * usage records: one grouped query per kind of period in use, keys and teams apart. Blocking
     * JDBC, for the control plane.
     */
    public static Map<String, StoredSpend> of(Map<String, BudgetPeriod> budgets, UsageRepository usage, long nowMs) {
        Map<BudgetPeriod, Map<String, Double>> keySpend = new EnumMap<>(BudgetPeriod.class);
        Map<BudgetPeriod, Map<String, Double>> teamSpend = new EnumMap<>(BudgetPeriod.class);
        Map<String, StoredSpend> out = new HashMap<>();
        budgets.forEach((scope, p) -> {
            boolean key = scope.startsWith("key:");
            Double spent = (key ? keySpend : teamSpend).computeIfAbsent(p, q -> spend(usage, key ? UsageGroup.By.KEY : UsageGroup.By.TEAM, q, nowMs))
                    .get(scope.substring(scope.indexOf(':') + 1));
            if (spent != null && spent > 0) out.put(scope, new StoredSpend(p, p.startMs(nowMs), spent));
        });
        return out;
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
