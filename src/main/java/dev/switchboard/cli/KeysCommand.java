package dev.switchboard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.KeysAdmin;
import dev.switchboard.app.Settings;
import dev.switchboard.auth.KeyHash;
import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.IsoInstants;
import dev.switchboard.config.TeamSpec;
import dev.switchboard.error.GatewayError;
import dev.switchboard.store.Store;
import dev.switchboard.transport.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard keys create|list|revoke}: virtual keys in the store. A key is created and
 * changed by the admin API's own code ({@link KeysAdmin}), so both check a key the same way.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list and revoke virtual keys in the store (a running server sees the change within a second).",
        subcommands = {KeysCommand.CreateKey.class, KeysCommand.ListKeys.class, KeysCommand.RevokeKey.class})
public final class KeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Create a virtual key and print it, once: the store keeps only its SHA-256 hash.",
                    "Works like POST /admin/keys: names are unique, and every option is checked the same way."},
            footer = {"", "Output:",
                    "  Key <name>: sk-sb-<43 characters>",
                    "  Id: key_<16 characters>",
                    "With --json: {\"data\":{…}}, the answer of POST /admin/keys, the key in \"key\".",
                    "",
                    "Example:",
                    "  switchboard keys create --name ci --models general --rpm 600 --budget 50"})
    static final class CreateKey extends StoreCommand {

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Unique name of the key.")
        String name;

        @Option(names = "--models", split = ",", paramLabel = "MODEL",
                description = "Comma-separated public models or provider/* patterns the key may call (default: every model).")
        List<String> models;

        @Option(names = "--team", paramLabel = "TEAM", description = "Id or name of the team the key belongs to.")
        String team;

        @Option(names = "--expires", paramLabel = "INSTANT", converter = IsoInstant.class,
                description = "When the key stops working, ISO-8601 such as 2027-01-31T00:00:00Z (a date alone: its start in UTC).")
        Instant expires;

        @Option(names = "--system-prompt", paramLabel = "TEXT", description = "Sent as the first system message of every request made with the key.")
        String systemPrompt;

        @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute.")
        Long rpm;

        @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute.")
        Long tpm;

        @Option(names = "--rpd", paramLabel = "N", description = "Requests per day.")
        Long rpd;

        @Option(names = "--max-concurrent", paramLabel = "N", description = "Requests in flight at once.")
        Integer maxConcurrent;

        @Option(names = "--max-tokens-per-request", paramLabel = "N", description = "Largest max_tokens a request may ask for.")
        Integer maxTokensPerRequest;

        @Option(names = "--budget", paramLabel = "USD", description = "Spend cap in USD.")
        Double budget;

        @Option(names = "--budget-period", paramLabel = "PERIOD", description = "daily, weekly, monthly or total.")
        String budgetPeriod;

        @Option(names = "--json", description = "Print the admin API's JSON instead of two lines.")
        boolean json;

        @Override
        Map<String, String> optionsByField() {
            return Map.ofEntries(Map.entry("name", "--name"), Map.entry("allowedModels", "--models"), Map.entry("teamId", "--team"),
                    Map.entry("expiresAt", "--expires"), Map.entry("systemPrompt", "--system-prompt"), Map.entry("limits.rpm", "--rpm"),
                    Map.entry("limits.tpm", "--tpm"), Map.entry("limits.rpd", "--rpd"), Map.entry("limits.maxConcurrent", "--max-concurrent"),
                    Map.entry("limits.maxTokensPerRequest", "--max-tokens-per-request"), Map.entry("budget", "--budget"),
                    Map.entry("budget.maxUsd", "--budget"), Map.entry("budget.period", "--budget-period"));
        }

        /** The options as a {@code POST /admin/keys} body. */
        private ObjectNode body(String teamId) {
            ObjectNode b = Json.object();
            b.put("name", name);
            if (models != null) {
                // "--models ," splits into nothing, which the store would read as every model
                if (models.isEmpty()) throw new Refused("--models: names no model (leave the option out to allow every model)");
                models.forEach(b.putArray("allowedModels")::add);
            }
            if (teamId != null) b.put("teamId", teamId);
            if (expires != null) b.put("expiresAt", expires.toString());
            if (systemPrompt != null) b.put("systemPrompt", systemPrompt);
            if (rpm != null || tpm != null || rpd != null || maxConcurrent != null || maxTokensPerRequest != null) {
                ObjectNode l = b.putObject("limits");
                if (rpm != null) l.put("rpm", rpm);
                if (tpm != null) l.put("tpm", tpm);
                if (rpd != null) l.put("rpd", rpd);
                if (maxConcurrent != null) l.put("maxConcurrent", maxConcurrent);
                if (maxTokensPerRequest != null) l.put("maxTokensPerRequest", maxTokensPerRequest);
            }
            if (budget != null || budgetPeriod != null) {
                ObjectNode bu = b.putObject("budget");
                if (budget != null) bu.put("maxUsd", budget);
                if (budgetPeriod != null) bu.put("period", budgetPeriod);
            }
            return b;
        }

        @Override
        int run(Settings settings, PrintWriter out) {
            try (Store store = open(settings)) {
                String teamId = team == null ? null : store.read(tx -> tx.teams().find(team).or(() -> tx.teams().findByName(team)))
                        .map(TeamSpec::id)
                        .orElseThrow(() -> new Refused("--team: no team with id or name '" + team + "'"));
                String value = KeyHash.newVirtualKey();
                VirtualKey key = KeysAdmin.newKey(body(teamId), value, clock.instant());
                store.write(tx -> {
                    KeysAdmin.insert(tx, key);
                    return null;
                });
                if (json) {
                    printJson(out, data(KeysAdmin.view(key).put("key", value)));
                } else {
                    out.println("Key " + key.name() + ": " + value);
                    out.println("Id: " + key.id());
                    err().println("Keep the key now: it is not shown again (the store has only its hash).");
                }
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the virtual keys: never the keys themselves nor their hashes, only a prefix to tell them apart.",
            footer = {"", "Output: a table of ID, NAME, PREFIX, STATUS (active, disabled or expired), TEAM, MODELS (allowed "
                    + "models; (all) when unrestricted) and SOURCE (api: made by the admin API or this command; file: from "
                    + "SWITCHBOARD_CONFIG, read-only here).", "With --json: {\"data\":[…]}, the items of GET /admin/keys."})
    static final class ListKeys extends StoreCommand {

        @Option(names = "--json", description = "Print the admin API's JSON instead of a table.")
        boolean json;

        @Override
        int run(Settings settings, PrintWriter out) {
            try (Store store = open(settings)) {
                record Listing(List<VirtualKey> keys, Map<String, String> teamNames) {}
                Listing l = store.read(tx -> new Listing(tx.keys().all(),
                        tx.teams().all().stream().collect(Collectors.toMap(TeamSpec::id, TeamSpec::name))));
                if (json) {
                    ArrayNode items = Json.NODES.arrayNode();
                    l.keys().forEach(k -> items.add(KeysAdmin.view(k)));
                    printJson(out, data(items));
                } else if (l.keys().isEmpty()) {
                    // a note, not a result: stdout stays empty for a pipe
                    err().println("No virtual keys in the store at " + store.display() + ".");
                    err().flush();
                } else {
                    Instant now = clock.instant();
                    Table t = new Table("ID", "NAME", "PREFIX", "STATUS", "TEAM", "MODELS", "SOURCE");
                    for (VirtualKey k : l.keys()) {
                        t.row(k.id(), k.name(), k.keyPrefix(), !k.enabled() ? "disabled" : k.expired(now) ? "expired" : "active",
                                k.teamId() == null ? null : l.teamNames().getOrDefault(k.teamId(), k.teamId()),
                                k.allowedModels().isEmpty() ? "(all)" : String.join(",", k.allowedModels()), k.source());
                    }
                    t.print(out);
                }
                return 0;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Disable a virtual key. It stays listed, as disabled; a running server answers it with 401 key_disabled "
                    + "within a second.", "Keys from the config file are read-only here: change them in that file."},
            footer = {"", "Output: one line, Revoked key <name> (<id>)."})
    static final class RevokeKey extends StoreCommand {

        @Parameters(paramLabel = "ID_OR_NAME", description = "The key's id (key_…) or its name.")
        String target;

        @Override
        int run(Settings settings, PrintWriter out) {
            try (Store store = open(settings)) {
                record Revoked(VirtualKey key, boolean wasEnabled) {}
                Revoked r = store.write(tx -> {
                    VirtualKey k = tx.keys().find(target).or(() -> tx.keys().findByName(target))
                            .orElseThrow(() -> new Refused("no key with id or name '" + target + "'"));
                    try {
                        return new Revoked(KeysAdmin.patched(tx, k.id(), Json.object().put("enabled", false), clock.instant()), k.enabled());
                    } catch (GatewayError e) {
                        throw new Refused("key " + k.name() + " (" + k.id() + "): " + e.getMessage());
                    }
                });
                out.println(r.wasEnabled()
                        ? "Revoked key " + r.key().name() + " (" + r.key().id() + ")."
                        : "Key " + r.key().name() + " (" + r.key().id() + ") was already revoked.");
                return 0;
            }
        }
    }

    /** {@code --expires}: an ISO-8601 instant, with a message that shows one. */
    static final class IsoInstant implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return IsoInstants.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 instant or date such as 2027-01-31T00:00:00Z or 2027-01-31");
            }
        }
    }
}
