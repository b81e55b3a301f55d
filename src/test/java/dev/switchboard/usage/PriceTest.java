package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.model.Usage;
import org.junit.jupiter.api.Test;

class PriceTest {

    private static final double EPS = 1e-12;

    @Test
    void cost_plainTokens_atInputAndOutputPrices() {
        Price p = Price.of(2.0, 8.0);
        assertThat(p.cost(Usage.of(1_000_000, 500_000))).isCloseTo(2.0 + 4.0, within(EPS));
        assertThat(p.cost(Usage.ZERO)).isZero();
    }

    @Test
    void cost_cachedAndCacheWriteTokens_areCarvedOutOfTheInput() {
        // Anthropic-like: input 3, cached read 0.30, cache write 3.75, output 15
        Price p = new Price(3.0, 15.0, 0.30, 3.75, Double.NaN);
        // 10,000 input of which 6,000 read from the cache and 2,000 written to it: 2,000 plain
        Usage u = new Usage(10_000, 1_000, 6_000, 2_000, 0, false);
        double expected = (2_000 * 3.0 + 6_000 * 0.30 + 2_000 * 3.75 + 1_000 * 15.0) / 1e6;
        assertThat(p.cost(u)).isCloseTo(expected, within(EPS));
    }

    @Test
    void cost_reasoningTokens_atTheOutputPrice_unlessPricedApart() {
        Usage u = new Usage(100, 1_000, 0, 0, 800, false);
        assertThat(Price.of(1.0, 2.0).cost(u)).isCloseTo((100 * 1.0 + 1_000 * 2.0) / 1e6, within(EPS));
        Price apart = new Price(1.0, 2.0, 0.5, 1.25, 4.0);
        assertThat(apart.pricesReasoningApart()).isTrue();
        assertThat(apart.cost(u)).isCloseTo((100 * 1.0 + 200 * 2.0 + 800 * 4.0) / 1e6, within(EPS));
    }

    @Test
    void cost_inconsistentCounts_neverGoNegative() {
        // a provider reporting more cached than input tokens: the plain part is 0, not negative
        Price p = new Price(1.0, 2.0, 0.5, 1.0, 3.0);
        Usage u = new Usage(10, 5, 20, 0, 9, false);
        assertThat(p.cost(u)).isCloseTo((20 * 0.5 + 5 * 3.0) / 1e6, within(EPS));
    }

    @Test
    void estimate_inputAndOutputAtTheirPrices() {
        Price p = new Price(3.0, 15.0, 0.30, 3.75, 20.0);
        assertThat(p.estimate(2_000, 1_000)).isCloseTo((2_000 * 3.0 + 1_000 * 15.0) / 1e6, within(EPS));
    }

    @Test
    void negativeOrNonFinitePrices_failNamingTheField() {
        assertThatThrownBy(() -> new Price(-1, 1, 1, 1, Double.NaN)).hasMessageContaining("inputPerMTokens");
        assertThatThrownBy(() -> new Price(1, Double.POSITIVE_INFINITY, 1, 1, Double.NaN)).hasMessageContaining("outputPerMTokens");
        assertThatThrownBy(() -> new Price(1, 1, 1, 1, -2)).hasMessageContaining("reasoningPerMTokens");
    }
}
