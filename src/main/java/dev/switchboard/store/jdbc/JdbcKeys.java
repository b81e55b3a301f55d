package dev.switchboard.store.jdbc;

import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.Budget;
import dev.switchboard.config.Limits;
import dev.switchboard.store.KeyRepository;
import dev.switchboard.store.Page;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcKeys implements KeyRepository {

    private static final String COLUMNS = "id, name, key_hash, key_prefix, team_id, body, source, created_at, updated_at";

    /** The part of a key kept as JSON. */
    private record Body(List<String> allowedModels, Budget budget, Limits limits, String systemPrompt, Instant expiresAt, Boolean enabled,
                        Map<String, Object> metadata) {}

    private final Connection c;
    private final Clock clock;

    JdbcKeys(Connection c, Clock clock) {
        this.c = c;
        this.clock = clock;
    }

    @Override
    public List<VirtualKey> all() {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM virtual_keys ORDER BY created_at, id", JdbcKeys::row);
    }

    @Override
    public Page<VirtualKey> page(int limit, int offset) {
        List<VirtualKey> items = Rows.query(c, "SELECT " + COLUMNS + " FROM virtual_keys ORDER BY created_at, id LIMIT ? OFFSET ?",
                JdbcKeys::row, limit, offset);
        return new Page<>(items, limit, offset, Rows.count(c, "SELECT COUNT(*) FROM virtual_keys"));
    }

    @Override
    public Optional<VirtualKey> find(String id) {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM virtual_keys WHERE id = ?", JdbcKeys::row, id).stream().findFirst();
    }

    @Override
    public Optional<VirtualKey> findByName(String name) {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM virtual_keys WHERE name = ?", JdbcKeys::row, name).stream().findFirst();
    }

    @Override
    public void insert(VirtualKey k) {
        Instant created = k.createdAt() != null ? k.createdAt() : clock.instant();
        Rows.update(c, "create key '" + k.name() + "'",
                "INSERT INTO virtual_keys (id, name, key_hash, key_prefix, team_id, body, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                k.id(), k.name(), k.keyHash(), k.keyPrefix(), k.teamId(), body(k), k.source(), created,
                k.updatedAt() != null ? k.updatedAt() : created);
    }

    @Override
    public boolean update(VirtualKey k) {
        return Rows.update(c, "update key '" + k.name() + "'",
                "UPDATE virtual_keys SET name = ?, key_hash = ?, key_prefix = ?, team_id = ?, body = ?, source = ?, updated_at = ? WHERE id = ?",
                k.name(), k.keyHash(), k.keyPrefix(), k.teamId(), body(k), k.source(),
                k.updatedAt() != null ? k.updatedAt() : clock.instant(), k.id()) == 1;
    }

    @Override
    public boolean delete(String id) {
        return Rows.update(c, "delete key " + id, "DELETE FROM virtual_keys WHERE id = ?", id) == 1;
    }

    @Override
    public long countInTeam(String teamId) {
        return Rows.count(c, "SELECT COUNT(*) FROM virtual_keys WHERE team_id = ?", teamId);
    }

    private static String body(VirtualKey k) {
        return Rows.json(new Body(k.allowedModels(), k.budget(), k.limits(), k.systemPrompt(), k.expiresAt(), k.enabled(), k.metadata()));
    }

    private static VirtualKey row(ResultSet rs) throws SQLException {
        Body b = Rows.parse(rs.getString("body"), Body.class);
        return new VirtualKey(rs.getString("id"), rs.getString("name"), rs.getString("key_hash"), rs.getString("key_prefix"),
                rs.getString("team_id"), b.allowedModels(), b.budget(), b.limits(), b.systemPrompt(), b.expiresAt(),
                b.enabled() == null || b.enabled(), b.metadata(), rs.getString("source"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "updated_at"));
    }
}
