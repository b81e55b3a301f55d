package dev.switchboard.app;

import dev.switchboard.secrets.Keyring;
import dev.switchboard.secrets.SecretBox;
import dev.switchboard.store.Database;
import dev.switchboard.store.Store;
import dev.switchboard.store.jdbc.JdbcStore;
import java.time.Clock;

/** Opens the store the settings name, with its keyring, migrated: for the server and the CLI alike. */
public final class Stores {

    private Stores() {}

    public static Store open(Settings settings, Clock clock) {
        Database db = Database.open(settings.databaseUrl(), settings.dataDir());
        try {
            Keyring keyring;
            if (settings.encryptionKeys().isPresent()) {
                keyring = Keyring.parse(settings.encryptionKeys().get());
            } else if (db.kind() == Database.Kind.SQLITE) {
                keyring = Keyring.loadOrCreate(settings.dataDir());
            } else {
                throw new SettingsException("ENCRYPTION_KEYS is required with PostgreSQL (kid:base64key with a 32-byte key): "
                        + "every instance must share the keyring that encrypts the credentials");
            }
            db.migrate();
            return new JdbcStore(db, new SecretBox(keyring), clock);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }
}
