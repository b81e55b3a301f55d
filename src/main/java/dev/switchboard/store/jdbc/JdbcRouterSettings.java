package dev.switchboard.store.jdbc;

import dev.switchboard.config.RouterSettings;
import dev.switchboard.store.RouterSettingsRepository;
import java.sql.Connection;
import java.time.Clock;
import java.util.Optional;

final class JdbcRouterSettings implements RouterSettingsRepository {

    private final Connection c;
    private final Clock clock;

    JdbcRouterSettings(Connection c, Clock clock) {
        this.c = c;
        this.clock = clock;
    }

    @Override
    public Optional<Stored> get() {
        return Rows.query(c, "SELECT body, source FROM router_settings WHERE id = 1",
                rs -> new Stored(Rows.parse(rs.getString("body"), RouterSettings.class), rs.getString("source"))).stream().findFirst();
    }

    @Override
    public void put(RouterSettings settings, String source) {
        Rows.update(c, "save router settings",
                "INSERT INTO router_settings (id, body, source, updated_at) VALUES (1, ?, ?, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET body = excluded.body, source = excluded.source, updated_at = excluded.updated_at",
                Rows.json(settings), source, clock.instant());
    }

    @Override
    public void clear() {
        Rows.update(c, "clear router settings", "DELETE FROM router_settings WHERE id = 1");
    }
}
