package dev.switchboard.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The {@link LimiterContract} in process, and the pure arithmetic of headers and periods. */
class LocalLimiterTest extends LimiterContract {

    @Override
    protected Limiter newLimiter(TestClock clock) {
        return new LocalLimiter(clock);
    }

    @Test
    void resetDurations_areInOpenAisForm() {
        assertThat(RateHeaders.duration(20)).isEqualTo("20ms");
        assertThat(RateHeaders.duration(1_000)).isEqualTo("1s");
        assertThat(RateHeaders.duration(1_500)).isEqualTo("1.5s");
        assertThat(RateHeaders.duration(1_050)).isEqualTo("1.05s");
        assertThat(RateHeaders.duration(1_005)).isEqualTo("1.005s");
        assertThat(RateHeaders.duration(59_999)).isEqualTo("59.999s");
        assertThat(RateHeaders.duration(360_000)).isEqualTo("6m0s");
        assertThat(RateHeaders.duration(3_723_000)).isEqualTo("1h2m3s");
        assertThat(RateHeaders.duration(0)).isEqualTo("0s");
    }

    @Test
    void budgetPeriods_alignToUtcCalendarBoundaries() {
        long now = Instant.parse("2026-03-11T15:30:00Z").toEpochMilli(); // a Wednesday
        assertThat(Instant.ofEpochMilli(BudgetPeriod.DAILY.startMs(now))).isEqualTo(Instant.parse("2026-03-11T00:00:00Z"));
        assertThat(Instant.ofEpochMilli(BudgetPeriod.WEEKLY.startMs(now))).isEqualTo(Instant.parse("2026-03-09T00:00:00Z"));
        assertThat(Instant.ofEpochMilli(BudgetPeriod.WEEKLY.endMs(now))).isEqualTo(Instant.parse("2026-03-16T00:00:00Z"));
        assertThat(Instant.ofEpochMilli(BudgetPeriod.MONTHLY.startMs(now))).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(Instant.ofEpochMilli(BudgetPeriod.MONTHLY.endMs(now))).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(BudgetPeriod.TOTAL.startMs(now)).isZero();
        assertThat(BudgetPeriod.TOTAL.endMs(now)).isEqualTo(Long.MAX_VALUE);
    }
}
