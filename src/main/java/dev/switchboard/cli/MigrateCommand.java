package dev.switchboard.cli;

import dev.switchboard.app.Settings;
import dev.switchboard.store.Database;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code switchboard migrate}: brings the store's schema up to date, as every start of the server
 * does, and says where it stands. Needs no keyring: the schema holds no secret, so a PostgreSQL
 * store can be prepared before {@code ENCRYPTION_KEYS} is chosen.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Create or update the store's schema (the server also does this at every start).",
                "The store is the one DATABASE_URL names (default: the SQLite file $SWITCHBOARD_DATA_DIR/switchboard.db). "
                + "Needs no ENCRYPTION_KEYS."},
        footer = {"", "Prints one line: Store at <where> is at schema version <N> (<what was applied>)."})
public final class MigrateCommand extends StoreCommand {

    @Override
    int run(Settings settings, PrintWriter out) {
        try (Database db = Database.open(settings.databaseUrl(), settings.dataDir())) {
            Database.Migration m = db.migrateWithReport();
            out.println("Store at " + db.display() + " is at schema version " + m.schemaVersion() + " ("
                    + (m.applied() == 0 ? "already up to date" : "applied " + m.applied() + (m.applied() == 1 ? " migration" : " migrations"))
                    + ").");
            return 0;
        }
    }
}
