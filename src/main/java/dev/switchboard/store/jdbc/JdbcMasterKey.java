package dev.switchboard.store.jdbc;

import dev.switchboard.store.MasterKeyRepository;
import java.sql.Connection;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

final class JdbcMasterKey implements MasterKeyRepository {

    private final Connection c;
    private final Clock clock;

    JdbcMasterKey(Connection c, Clock clock) {
        this.c = c;
        this.clock = clock;
    }

    @Override
    public Optional<byte[]> hash() {
        return Rows.query(c, "SELECT key_hash FROM master_key WHERE id = 1", rs -> HexFormat.of().parseHex(rs.getString(1))).stream().findFirst();
    }

    @Override
    public boolean setIfAbsent(byte[] hash) {
        return Rows.update(c, "save the master key hash",
                "INSERT INTO master_key (id, key_hash, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
                HexFormat.of().formatHex(hash), clock.instant()) == 1;
    }

    @Override
    public void set(byte[] hash) {
        Rows.update(c, "save the master key hash",
                "INSERT INTO master_key (id, key_hash, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET key_hash = excluded.key_hash",
                HexFormat.of().formatHex(hash), clock.instant());
    }
}
