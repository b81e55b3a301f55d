package dev.switchboard.usage;

/**
 * One row of {@code GET /admin/usage}: the totals of the records that share a group.
 *
 * @param group   the model, key id, team id or day ({@code 2026-11-21}, UTC); null for records without one (no team)
 * @param costUsd the sum over priced records; null when none of them was priced
 */
public record UsageGroup(String group, long requests, long inputTokens, long outputTokens, Double costUsd) {

    /** What usage can be grouped by, and the column that holds it. */
    public enum By {
        MODEL("public_model"), KEY("key_id"), TEAM("team_id"), DAY("day");

        private final String column;

        By(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The value of {@code groupBy}, or null when it names nothing. */
        public static By of(String s) {
            for (By b : values()) if (b.wireName().equals(s)) return b;
            return null;
        }
    }
}
