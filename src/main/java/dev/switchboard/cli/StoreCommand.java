package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.Main;
import dev.switchboard.app.Settings;
import dev.switchboard.app.SettingsException;
import dev.switchboard.app.Stores;
import dev.switchboard.config.ConfigException;
import dev.switchboard.error.GatewayError;
import dev.switchboard.observe.LogSetup;
import dev.switchboard.secrets.SecretException;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreConflictException;
import dev.switchboard.store.StoreException;
import dev.switchboard.transport.Json;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the commands that act on the store share: settings read from the environment exactly as
 * {@code serve} reads them, the store those settings name (the same one a running server uses, so
 * the server sees a write within its poll interval), quiet logs, and one way to end.
 *
 * <p>Exit codes: 0 done; 1 refused — a bad option value, an unknown id, a name already taken, an
 * entry of the config file; 2 cannot run — a bad setting, a store that cannot be opened or
 * migrated, a stored credential the keyring cannot open (picocli also answers 2 to a usage
 * error). A failure is one line on stderr, {@code switchboard: <message>}; stdout carries only
 * the command's result, so it can be piped.
 */
abstract class StoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    final Clock clock = Clock.systemUTC();

    /** Does the work; its result goes to {@code out}. Throw {@link Refused} to end with exit code 1. */
    abstract int run(Settings settings, PrintWriter out);

    /**
     * The option that fills each admin body field, so that a message about a field names the
     * option the user typed ({@code --provider}, not {@code provider}).
     */
    Map<String, String> optionsByField() {
        return Map.of();
    }

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Settings settings = Settings.fromEnv(Main.env(spec));
            LogSetup.forCommand(settings.env().getOrDefault("LOG_LEVEL", "").isBlank() ? "warn" : settings.logLevel());
            return run(settings, out);
        } catch (Refused e) {
            return fail(1, e.getMessage());
        } catch (GatewayError e) {
            return fail(1, field(e.param(), e.getMessage()));
        } catch (ConfigException e) {
            // here a config problem is always one of the command's own option values
            String path = e.path() == null ? null : e.path().replaceFirst("^\\.", "");
            return fail(1, e.path() == null ? e.getMessage() : field(path, e.getMessage().substring(e.path().length() + 2)));
        } catch (StoreConflictException e) {
            return fail(1, "the store refused the write: " + e.getMessage());
        } catch (SettingsException | StoreException | SecretException e) {
            return fail(2, e.getMessage());
        } finally {
            out.flush();
            err().flush();
        }
    }

    Store open(Settings settings) {
        return Stores.open(settings, clock);
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private String field(String param, String problem) {
        if (param == null) return problem;
        String option = optionsByField().get(param.replaceFirst("\\[\\d+]$", ""));
        return (option != null ? option : param) + ": " + problem;
    }

    private int fail(int code, String message) {
        PrintWriter err = err();
        err.println("switchboard: " + message);
        err.flush();
        return code;
    }

    /** {@code {"data": value}}: the envelope of the admin API, so a script can read either. */
    static ObjectNode data(JsonNode value) {
        ObjectNode out = Json.object();
        out.set("data", value);
        return out;
    }

    static void printJson(PrintWriter out, JsonNode node) {
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    /** The request cannot be done as asked: exit code 1 with this message. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
