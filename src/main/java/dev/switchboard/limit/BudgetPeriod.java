package dev.switchboard.limit;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/** The UTC calendar periods a budget resets on; {@code total} never resets. */
public enum BudgetPeriod {
    DAILY, WEEKLY, MONTHLY, TOTAL;

    public static BudgetPeriod of(String name) {
        return name == null ? TOTAL : valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** The start of the period that contains {@code nowMs} (epoch ms); 0 for {@code total}. */
    public long startMs(long nowMs) {
        LocalDate day = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate start = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case TOTAL -> null;
        };
        return start == null ? 0 : start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The end of the period that contains {@code nowMs}; {@link Long#MAX_VALUE} for {@code total}. */
    public long endMs(long nowMs) {
        LocalDate start = Instant.ofEpochMilli(startMs(nowMs)).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate end = switch (this) {
            case DAILY -> start.plusDays(1);
            case WEEKLY -> start.plusWeeks(1);
            case MONTHLY -> start.plusMonths(1);
            case TOTAL -> null;
        };
        return end == null ? Long.MAX_VALUE : end.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
