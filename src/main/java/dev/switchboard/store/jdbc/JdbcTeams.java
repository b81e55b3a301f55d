package dev.switchboard.store.jdbc;

import dev.switchboard.config.TeamSpec;
import dev.switchboard.store.Page;
import dev.switchboard.store.TeamRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbcTeams implements TeamRepository {

    private static final String COLUMNS = "id, name, body, source";

    private final Connection c;
    private final Clock clock;

    JdbcTeams(Connection c, Clock clock) {
        this.c = c;
        this.clock = clock;
    }

    @Override
    public List<TeamSpec> all() {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM teams ORDER BY created_at, id", JdbcTeams::row);
    }

    @Override
    public Page<TeamSpec> page(int limit, int offset) {
        List<TeamSpec> items = Rows.query(c, "SELECT " + COLUMNS + " FROM teams ORDER BY created_at, id LIMIT ? OFFSET ?", JdbcTeams::row,
                limit, offset);
        return new Page<>(items, limit, offset, Rows.count(c, "SELECT COUNT(*) FROM teams"));
    }

    @Override
    public Optional<TeamSpec> find(String id) {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM teams WHERE id = ?", JdbcTeams::row, id).stream().findFirst();
    }

    @Override
    public Optional<TeamSpec> findByName(String name) {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM teams WHERE name = ?", JdbcTeams::row, name).stream().findFirst();
    }

    @Override
    public void insert(TeamSpec t) {
        Instant now = clock.instant();
        Rows.update(c, "create team '" + t.name() + "'",
                "INSERT INTO teams (id, name, body, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                t.id(), t.name(), body(t), t.source(), now, now);
    }

    @Override
    public boolean update(TeamSpec t) {
        return Rows.update(c, "update team '" + t.name() + "'", "UPDATE teams SET name = ?, body = ?, source = ?, updated_at = ? WHERE id = ?",
                t.name(), body(t), t.source(), clock.instant(), t.id()) == 1;
    }

    @Override
    public boolean delete(String id) {
        return Rows.update(c, "delete team " + id, "DELETE FROM teams WHERE id = ?", id) == 1;
    }

    private static String body(TeamSpec t) {
        return Rows.body(t, "id", "name", "source");
    }

    private static TeamSpec row(ResultSet rs) throws SQLException {
        TeamSpec b = Rows.parse(rs.getString("body"), TeamSpec.class);
        return new TeamSpec(rs.getString("id"), rs.getString("name"), b.budget(), b.limits(), b.metadata(), rs.getString("source"));
    }
}
