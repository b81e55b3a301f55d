package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasoningBudgetTest {

    @Test
    void budgets_mapToEfforts_byBand() {
        assertThat(ReasoningBudget.effortFor(1024)).isEqualTo("low");
        assertThat(ReasoningBudget.effortFor(2047)).isEqualTo("low");
        assertThat(ReasoningBudget.effortFor(2048)).isEqualTo("medium");
        assertThat(ReasoningBudget.effortFor(8191)).isEqualTo("medium");
        assertThat(ReasoningBudget.effortFor(8192)).isEqualTo("high");
        assertThat(ReasoningBudget.effortFor(64_000)).isEqualTo("high");
    }

    @Test
    void efforts_roundTrip() {
        for (String effort : new String[] {"low", "medium", "high"}) {
            assertThat(ReasoningBudget.effortFor(ReasoningBudget.budgetFor(effort))).isEqualTo(effort);
        }
        assertThat(ReasoningBudget.budgetFor("minimal")).isEqualTo(1024);
        assertThat(ReasoningBudget.budgetFor("none")).isNull();
        assertThat(ReasoningBudget.budgetFor(null)).isNull();
    }
}
