package dev.switchboard.admin;

import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TestPostgres;

/** The admin API on PostgreSQL: the shared server when reachable, else an embedded one; a fresh database. */
class AdminApiPostgresTest extends AdminApiContract {

    @Override
    GatewayFixture.Builder store(GatewayFixture.Builder b) {
        return b.env("DATABASE_URL", TestPostgres.get().freshDatabase())
                .env("ENCRYPTION_KEYS", "pg1:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
    }
}
