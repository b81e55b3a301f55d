package dev.switchboard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.DeploymentsAdmin;
import dev.switchboard.app.Settings;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.store.Store;
import dev.switchboard.transport.Json;
import dev.switchboard.usage.PriceCatalog;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard deployments add|list|remove}: the deployments behind public models. A
 * deployment is checked by the admin API's own code ({@link DeploymentsAdmin}: the config
 * validator, then whether it can be served) before anything is written, and its credentials are
 * sealed by the store like every other.
 */
@Command(name = "deployments", mixinStandardHelpOptions = true,
        description = "Add, list and remove the deployments behind public models (a running server sees the change within a second).",
        subcommands = {DeploymentsCommand.AddDeployment.class, DeploymentsCommand.ListDeployments.class,
                DeploymentsCommand.RemoveDeployment.class})
public final class DeploymentsCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Add a deployment to a public model's pool; the model is created with its first deployment.",
                    "Works like POST /admin/deployments: the provider must be in this build, and the deployment must be servable, "
                    + "with an API key from --api-key or --api-key-env, or else from the provider's own variable "
                    + "(OPENAI_API_KEY, …) in this environment. A key given here is stored encrypted with the active key of "
                    + "ENCRYPTION_KEYS."},
            footer = {"", "Output: one line, Added deployment <id>: public model <model>, served by <provider>/<upstream model>.",
                    "With --json: {\"data\":{…}}, the answer of POST /admin/deployments (credential field names only).",
                    "",
                    "Example:",
                    "  switchboard deployments add --model general --provider openai \\",
                    "      --upstream-model gpt-4o-mini --api-key-env OPENAI_KEY_PROD"})
    static final class AddDeployment extends StoreCommand {

        @Option(names = "--model", required = true, paramLabel = "PUBLIC", description = "The public model name clients ask for.")
        String publicModel;

        @Option(names = "--provider", required = true, paramLabel = "PROVIDER", description = "Provider id: openai, groq, ollama, simulator, …")
        String provider;

        @Option(names = "--upstream-model", required = true, paramLabel = "MODEL", description = "The provider's own model id.")
        String upstreamModel;

        @Option(names = "--base-url", paramLabel = "URL", description = "Provider endpoint (default: the provider's own, or <PROVIDER>_BASE_URL).")
        String baseUrl;

        @ArgGroup(exclusive = true)
        ApiKey apiKey;

        static final class ApiKey {
            @Option(names = "--api-key", paramLabel = "KEY", description = "The provider API key (visible in your shell history; prefer --api-key-env).")
            String value;

            @Option(names = "--api-key-env", paramLabel = "VAR", description = "Read the provider API key from this environment variable.")
            String variable;
        }

        @Option(names = "--api-version", paramLabel = "V", description = "API version, for Azure.")
        String apiVersion;

        @Option(names = "--weight", paramLabel = "N", description = "Share of the pool's traffic (default 1).")
        Integer weight;

        @Option(names = "--input-price", paramLabel = "USD", description = "Price of a million input tokens, in USD.")
        Double inputPrice;

        @Option(names = "--output-price", paramLabel = "USD", description = "Price of a million output tokens, in USD.")
        Double outputPrice;

        @Option(names = "--json", description = "Print the admin API's JSON instead of one line.")
        boolean json;

        @Override
        Map<String, String> optionsByField() {
            return Map.of("publicModel", "--model", "provider", "--provider", "upstreamModel", "--upstream-model", "baseUrl", "--base-url",
                    "credentials.apiKey", apiKey != null && apiKey.variable != null ? "--api-key-env" : "--api-key",
                    "apiVersion", "--api-version", "weight", "--weight", "pricing", "--input-price/--output-price",
                    "pricing.inputPerMTokens", "--input-price", "pricing.outputPerMTokens", "--output-price");
        }

        /** The options as a {@code POST /admin/deployments} body. */
        private ObjectNode body(Map<String, String> env) {
            ObjectNode b = Json.object();
            b.put("publicModel", publicModel);
            b.put("provider", provider);
            b.put("upstreamModel", upstreamModel);
            if (baseUrl != null) b.put("baseUrl", baseUrl);
            if (apiVersion != null) b.put("apiVersion", apiVersion);
            if (weight != null) b.put("weight", weight);
            if (apiKey != null) {
                String key = apiKey.value;
                if (apiKey.variable != null) {
                    key = env.get(apiKey.variable);
                    if (key == null || key.isBlank()) throw new Refused("--api-key-env: " + apiKey.variable + " is not set in this environment");
                }
                b.putObject("credentials").put("apiKey", key.trim());
            }
            if (inputPrice != null || outputPrice != null) {
                ObjectNode p = b.putObject("pricing");
                if (inputPrice != null) p.put("inputPerMTokens", inputPrice);
                if (outputPrice != null) p.put("outputPerMTokens", outputPrice);
            }
            return b;
        }

        @Override
        int run(Settings settings, PrintWriter out) {
            ProviderRegistry registry = ProviderRegistry.standard(clock);
            // checked before the store is opened: a refused deployment leaves no trace
            DeploymentSpec spec = DeploymentsAdmin.newDeployment(body(settings.env()), new ConfigValidator(registry.ids(), PriceCatalog.standard()::pricesAlone),
                    new SnapshotBuilder(registry, settings.env()::get, clock));
            try (Store store = open(settings)) {
                store.write(tx -> {
                    tx.deployments().insert(spec);
                    return null;
                });
            }
            if (json) {
                printJson(out, data(DeploymentsAdmin.view(spec)));
            } else {
                out.println("Added deployment " + spec.id() + ": public model " + spec.publicModel() + ", served by "
                        + spec.provider() + "/" + spec.upstreamModel() + ".");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the deployments of every public model; credentials are never shown, only which fields are stored.",
            footer = {"", "Output: a table of ID, MODEL, PROVIDER, UPSTREAM, WEIGHT, ENABLED, CREDENTIALS (the stored field "
                    + "names) and SOURCE (api: made by the admin API or this command; file: from SWITCHBOARD_CONFIG, read-only here).",
                    "With --json: {\"data\":[…]}, the items of GET /admin/deployments."})
    static final class ListDeployments extends StoreCommand {

        @Option(names = "--json", description = "Print the admin API's JSON instead of a table.")
        boolean json;

        @Override
        int run(Settings settings, PrintWriter out) {
            try (Store store = open(settings)) {
                List<DeploymentSpec> all = store.read(tx -> tx.deployments().all());
                if (json) {
                    ArrayNode items = Json.NODES.arrayNode();
                    all.forEach(d -> items.add(DeploymentsAdmin.view(d)));
                    printJson(out, data(items));
                } else if (all.isEmpty()) {
                    // a note, not a result: stdout stays empty for a pipe
                    err().println("No deployments in the store at " + store.display() + " (a server serves the built-in demo model meanwhile).");
                    err().flush();
                } else {
                    Table t = new Table("ID", "MODEL", "PROVIDER", "UPSTREAM", "WEIGHT", "ENABLED", "CREDENTIALS", "SOURCE");
                    for (DeploymentSpec d : all) {
                        t.row(d.id(), d.publicModel(), d.provider(), d.upstreamModel(), d.weight(), d.enabled() ? "yes" : "no",
                                d.credentials().isEmpty() ? null : String.join(",", new TreeSet<>(d.credentials().keySet())), d.source());
                    }
                    t.print(out);
                }
                return 0;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a deployment: a running server stops routing to it within a second.",
                    "Deployments from the config file are read-only here: change them in that file."},
            footer = {"", "Output: one line, Removed deployment <id> (…)."})
    static final class RemoveDeployment extends StoreCommand {

        @Parameters(paramLabel = "ID", description = "The deployment's id (dep_…), as deployments list shows it.")
        String id;

        @Override
        int run(Settings settings, PrintWriter out) {
            try (Store store = open(settings)) {
                DeploymentSpec removed = store.write(tx -> {
                    DeploymentSpec d;
                    try {
                        d = DeploymentsAdmin.editable(tx, id);
                    } catch (GatewayError e) {
                        throw e.kind() == ErrorKind.READ_ONLY_ENTRY ? new Refused("deployment " + id + ": " + e.getMessage()) : e;
                    }
                    tx.deployments().delete(d.id());
                    return d;
                });
                out.println("Removed deployment " + removed.id() + " (public model " + removed.publicModel() + ", "
                        + removed.provider() + "/" + removed.upstreamModel() + ").");
                return 0;
            }
        }
    }
}
