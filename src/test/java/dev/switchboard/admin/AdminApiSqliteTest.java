package dev.switchboard.admin;

import dev.switchboard.testing.GatewayFixture;

/** The admin API on the embedded default store: SQLite in the data dir. */
class AdminApiSqliteTest extends AdminApiContract {

    @Override
    GatewayFixture.Builder store(GatewayFixture.Builder b) {
        return b;
    }
}
