package dev.switchboard.model;

import java.util.Locale;

/**
 * One mapping between a thinking budget in tokens (Anthropic's {@code thinking.budget_tokens},
 * Gemini's {@code thinkingBudget}) and a reasoning effort ({@code GenerationParams.reasoningEffort},
 * OpenAI's {@code reasoning_effort}), used in both directions so that a round trip lands where it
 * started:
 * <pre>
 *   effort → budget        budget → effort
 *   minimal, low → 1,024   budget &lt;  2,048          → low
 *   medium       → 4,096   2,048 ≤ budget &lt; 8,192  → medium
 *   high         → 16,384  budget ≥ 8,192           → high
 * </pre>
 * 1,024 is Anthropic's smallest budget; the band edges sit halfway (geometrically) between the
 * budgets, so each budget maps back to its own effort.
 */
public final class ReasoningBudget {

    public static final int LOW = 1_024;
    public static final int MEDIUM = 4_096;
    public static final int HIGH = 16_384;

    private ReasoningBudget() {}

    public static String effortFor(long budgetTokens) {
        if (budgetTokens < 2_048) return "low";
        if (budgetTokens < 8_192) return "medium";
        return "high";
    }

    /** The budget for an effort; null for an effort this mapping does not know ({@code none} among them). */
    public static Integer budgetFor(String effort) {
        if (effort == null) return null;
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "minimal", "low" -> LOW;
            case "medium" -> MEDIUM;
            case "high", "xhigh", "max" -> HIGH;
            default -> null;
        };
    }
}
