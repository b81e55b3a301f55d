package dev.switchboard.store;

import dev.switchboard.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Optional;

class PostgresStoreTest extends StoreContract {

    @Override
    Database open() {
        return Database.open(Optional.of(TestPostgres.get().freshDatabase()), Path.of("unused"));
    }
}
