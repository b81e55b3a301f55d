package dev.switchboard.cli;

import dev.switchboard.app.Settings;
import dev.switchboard.secrets.Keyring;
import dev.switchboard.store.Store;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code switchboard encryption rotate}: re-seals every stored credential that another key sealed
 * with the active (first) key of the keyring. Online: it is one write transaction, and a running
 * server keeps serving because its keyring still holds every key an envelope may name.
 */
@Command(name = "encryption", mixinStandardHelpOptions = true,
        description = "Manage the encryption of stored credentials.",
        subcommands = {EncryptionCommand.Rotate.class})
public final class EncryptionCommand {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Re-encrypt every stored credential with the active key: the first of ENCRYPTION_KEYS (or of "
                    + "$SWITCHBOARD_DATA_DIR/encryption.key when ENCRYPTION_KEYS is unset, SQLite only).",
                    "Retiring a key: (1) put a new key first in ENCRYPTION_KEYS, keeping the old one after it, on every instance; "
                    + "(2) run this command with that same ENCRYPTION_KEYS; (3) drop the old key.",
                    "Safe while servers run, and safe to run again (it then re-encrypts nothing)."},
            footer = {"", "Output: one line, Re-encrypted <N> stored credentials with key '<kid>'."})
    static final class Rotate extends StoreCommand {

        @Override
        int run(Settings settings, PrintWriter out) {
            try (Store store = open(settings)) {
                // opened first: it refuses PostgreSQL without ENCRYPTION_KEYS, and creates the SQLite key file if missing
                String kid = settings.encryptionKeys().map(Keyring::parse).orElseGet(() -> Keyring.loadOrCreate(settings.dataDir())).activeKid();
                int resealed = store.write(tx -> tx.deployments().reseal());
                out.println(resealed == 0
                        ? "Nothing to re-encrypt: every stored credential is already sealed with key '" + kid + "'."
                        : "Re-encrypted " + resealed + (resealed == 1 ? " stored credential" : " stored credentials") + " with key '" + kid + "'.");
                return 0;
            }
        }
    }
}
