package dev.switchboard.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.switchboard.config.FallbackSpec;
import dev.switchboard.store.FallbackRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

final class JdbcFallbacks implements FallbackRepository {

    private static final String COLUMNS = "primary_model, reason, targets, source";
    private static final TypeReference<List<String>> TARGETS = new TypeReference<>() {};

    private final Connection c;
    private final Clock clock;

    JdbcFallbacks(Connection c, Clock clock) {
        this.c = c;
        this.clock = clock;
    }

    @Override
    public List<FallbackSpec> all() {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM fallbacks ORDER BY primary_model, reason", JdbcFallbacks::row);
    }

    @Override
    public Optional<FallbackSpec> find(String primaryModel, String reason) {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM fallbacks WHERE primary_model = ? AND reason = ?", JdbcFallbacks::row,
                primaryModel, reason).stream().findFirst();
    }

    @Override
    public void upsert(FallbackSpec f) {
        // INSERT ... ON CONFLICT DO UPDATE: the same statement on PostgreSQL and SQLite (3.24+)
        Rows.update(c, "save fallback " + f.primaryModel() + "/" + f.reason(),
                "INSERT INTO fallbacks (primary_model, reason, targets, source, updated_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (primary_model, reason) DO UPDATE SET targets = excluded.targets, source = excluded.source, updated_at = excluded.updated_at",
                f.primaryModel(), f.reason(), Rows.json(f.targets()), f.source(), clock.instant());
    }

    @Override
    public boolean delete(String primaryModel, String reason) {
        return Rows.update(c, "delete fallback " + primaryModel + "/" + reason, "DELETE FROM fallbacks WHERE primary_model = ? AND reason = ?",
                primaryModel, reason) == 1;
    }

    private static FallbackSpec row(ResultSet rs) throws SQLException {
        List<String> targets;
        try {
            targets = Rows.JSON.readValue(rs.getString("targets"), TARGETS);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.switchboard.store.StoreException("stored fallback targets are not a JSON list");
        }
        return new FallbackSpec(rs.getString("primary_model"), rs.getString("reason"), targets, rs.getString("source"));
    }
}
