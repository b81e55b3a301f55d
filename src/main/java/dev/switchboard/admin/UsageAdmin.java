package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.IsoInstants;
import dev.switchboard.error.GatewayError;
import dev.switchboard.store.Store;
import dev.switchboard.usage.UsageGroup;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /admin/usage?groupBy=model|key|team|day&from=ISO&to=ISO}: request counts, tokens and
 * cost per group over {@code from <= time < to}, summed by the database (the admin's virtual
 * thread waits for it, never the event loop). Defaults: {@code groupBy=model}, the 30 days up to
 * now. {@code from} and {@code to} take an instant ({@code 2026-11-01T00:00:00Z}, an offset
 * allowed) or a date ({@code 2026-11-01}, its start in UTC). Records written in the last second
 * may not be counted yet: the usage writer stores them in batches.
 */
final class UsageAdmin {

    static final Duration DEFAULT_RANGE = Duration.ofDays(30);

    private final AdminHttp http;
    private final Store store;
    private final Clock clock;

    UsageAdmin(AdminHttp http, Store store, Clock clock) {
        this.http = http;
        this.store = store;
        this.clock = clock;
    }

    void mount(Router r) {
        r.get("/admin/usage").handler(this::summary);
    }

    private void summary(RoutingContext ctx) {
        String by = param(ctx, "groupBy");
        UsageGroup.By groupBy = by == null ? UsageGroup.By.MODEL : UsageGroup.By.of(by);
        if (groupBy == null) throw GatewayError.invalid("groupBy", "'groupBy' must be one of model, key, team, day.");
        Instant to = instant(ctx, "to", null);
        Instant from = instant(ctx, "from", null);
        if (to == null) to = clock.instant();
        if (from == null) from = to.minus(DEFAULT_RANGE);
        if (!from.isBefore(to)) throw GatewayError.invalid("from", "'from' must be before 'to'.");
        Instant f = from;
        Instant t = to;
        http.run(ctx, 200, () -> {
            List<UsageGroup> groups = store.usage().summarize(groupBy, f, t);
            ObjectNode out = AdminHttp.STRICT.createObjectNode();
            ArrayNode data = out.putArray("data");
            for (UsageGroup g : groups) {
                ObjectNode n = data.addObject();
                n.put("group", g.group());
                n.put("requests", g.requests());
                n.put("inputTokens", g.inputTokens());
                n.put("outputTokens", g.outputTokens());
                if (g.costUsd() == null) n.putNull("costUsd");
                else n.put("costUsd", usd(g.costUsd()));
            }
            out.put("groupBy", groupBy.wireName());
            out.put("from", f.toString());
            out.put("to", t.toString());
            return out;
        });
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Instant instant(RoutingContext ctx, String name, Instant dflt) {
        String v = param(ctx, name);
        if (v == null) return dflt;
        try {
            return IsoInstants.parse(v);
        } catch (DateTimeParseException e) {
            throw GatewayError.invalid(name, "'" + name + "' must be an ISO-8601 instant (2026-11-01T00:00:00Z) or date (2026-11-01).");
        }
    }

    /** A sum of prices, without the binary noise of adding doubles (0.054044999999999996): to 1e-10 USD. */
    static double usd(double sum) {
        return java.math.BigDecimal.valueOf(sum).setScale(10, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }
}
