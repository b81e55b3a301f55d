package dev.switchboard.store;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {

    @TempDir
    Path dir;

    @Override
    Database open() {
        return Database.open(Optional.empty(), dir);
    }
}
