package dev.switchboard;

import dev.switchboard.app.Gateway;
import dev.switchboard.app.Settings;
import dev.switchboard.app.SettingsException;
import dev.switchboard.cli.DeploymentsCommand;
import dev.switchboard.cli.EncryptionCommand;
import dev.switchboard.cli.KeysCommand;
import dev.switchboard.cli.MigrateCommand;
import dev.switchboard.cli.PrimeCommand;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.observe.LogSetup;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.usage.PriceCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code serve} (the default); the store commands of {@code dev.switchboard.cli}
 * ({@code migrate}, {@code keys}, {@code deployments}, {@code encryption}), which act on the store
 * a server uses; {@code config check}, {@code simulate} and {@code version}. Every command reads
 * its settings from the environment this root was made with: the process's, or a test's map.
 */
// INHERIT: every subcommand gets --help and --version too
@Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, scope = CommandLine.ScopeType.INHERIT,
        description = "An AI gateway: one endpoint in front of every model provider.",
        subcommands = {Main.Serve.class, MigrateCommand.class, KeysCommand.class, DeploymentsCommand.class, EncryptionCommand.class,
                Main.ConfigCmd.class, Main.Simulate.class, Main.VersionCmd.class, PrimeCommand.class})
public final class Main implements Callable<Integer> {

    private final Map<String, String> env;

    public Main() {
        this(System.getenv());
    }

    /** Runs commands with {@code env} in place of the process environment: for in-process tests. */
    public Main(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        // the server's start (no arguments) needs no command line: picocli reading every
        // command's annotations was a tenth of the start's CPU on the main thread
        if (args.length == 0) {
            int code;
            try {
                code = new Main().call();
            } catch (RuntimeException e) { // as picocli ends a command that throws: the trace, exit 1
                e.printStackTrace();
                code = 1;
            }
            System.exit(code);
        }
        System.exit(commandLine(new Main()).execute(args));
    }

    /**
     * The command line of {@code main}: an option value that does not convert ({@code --rpm abc})
     * is a refusal, one line and exit 1 as docs/cli.md says; other usage errors (an unknown or
     * missing option or subcommand) are one line too, naming the command's {@code --help}, and
     * exit 2.
     */
    public static CommandLine commandLine(Main main) {
        CommandLine cli = new CommandLine(main);
        cli.setParameterExceptionHandler((e, args) -> {
            if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option && e.getValue() != null) {
                String wanted = typeName(option.type());
                String problem = wanted == null && e.getCause() instanceof CommandLine.TypeConversionException t && t.getMessage() != null
                        ? t.getMessage() // a converter of ours says what it wants
                        : "'" + e.getValue() + "' is not a valid value" + (wanted == null ? "" : " (" + wanted + ")");
                e.getCommandLine().getErr().println("switchboard: " + option.longestName() + ": " + problem);
                return 1;
            }
            CommandLine at = e.getCommandLine();
            String problem = e.getMessage().lines().findFirst().orElse("usage error");
            if (problem.startsWith("Missing required subcommand")) {
                problem += ": one of " + String.join(", ", at.getSubcommands().keySet());
            }
            at.getErr().println("switchboard: " + problem + " (see '" + at.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cli;
    }

    /** What a number option wants, in words; null for other types. */
    private static String typeName(Class<?> type) {
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) return "a whole number";
        if (type == double.class || type == Double.class) return "a number";
        return null;
    }

    /** The environment of the command line {@code spec} belongs to. */
    public static Map<String, String> env(CommandSpec spec) {
        return spec.root().userObject() instanceof Main m ? m.env : System.getenv();
    }

    @Override
    public Integer call() {
        Serve serve = new Serve();
        serve.root = this;
        return serve.call();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"switchboard " + version()};
        }
    }

    @Command(name = "serve", description = "Start the gateway (the default command).")
    static final class Serve implements Callable<Integer> {
        @ParentCommand
        Main root;

        @Override
        public Integer call() {
            Settings settings;
            Gateway gateway;
            try {
                settings = Settings.fromEnv(root == null ? System.getenv() : root.env);
                LogSetup.apply(settings.logFormat(), settings.logLevel());
                gateway = Gateway.start(settings);
            } catch (SettingsException | ConfigException | dev.switchboard.store.StoreException | dev.switchboard.secrets.SecretException e) {
                System.err.println("switchboard: " + e.getMessage());
                return 2;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gateway.drain();
                LogSetup.flush();
                stopped.countDown();
            }, "switchboard-shutdown"));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    @Command(name = "simulate", description = "Run the provider simulator as a standalone OpenAI-format upstream.")
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "4010", description = "Port to listen on (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--api-key", description = "Require this bearer key (default: accept any).")
        String apiKey;

        @Override
        public Integer call() throws InterruptedException {
            LogSetup.apply(System.console() != null ? "text" : "json", "warn");
            if (port < 0 || port > 65535) {
                System.err.println("switchboard: --port: " + port + " is not a port (0 to 65535)");
                return 1;
            }
            SimulatorServer server;
            try {
                server = SimulatorServer.start(host, port, apiKey);
            } catch (IllegalStateException e) {
                System.err.println("switchboard: --port: " + e.getMessage());
                return 2;
            }
            System.out.println("Simulator listening on http://" + host + ":" + server.port() + "/v1");
            System.out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }
    }

    /** A group: without its subcommand it is a usage error, as {@code keys} and {@code deployments} are. */
    @Command(name = "config", description = "Work with config files.", subcommands = {ConfigCheck.class})
    static final class ConfigCmd {}

    @Command(name = "check", description = "Validate a config file as the server would at start, without starting.")
    static final class ConfigCheck implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The YAML config file.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                Map<String, String> env = env(spec);
                ProviderRegistry registry = ProviderRegistry.standard(Clock.systemUTC());
                GatewayConfig config = new ConfigLoader(env::get, new ConfigValidator(registry.ids(), PriceCatalog.standard()::pricesAlone)).load(file);
                new SnapshotBuilder(registry, env::get, Clock.systemUTC()).build(config, 0); // refuses what cannot be served
                // what the file holds (the built-in demo model a server adds without models is not the file's)
                spec.commandLine().getOut().println(file + ": OK (" + config.models().size() + " public models, "
                        + config.models().values().stream().mapToInt(List::size).sum() + " deployments, "
                        + config.keys().size() + " keys, " + config.teams().size() + " teams"
                        + (config.laterSections().isEmpty() ? "" : "; not used by this build, kept: " + String.join(", ", config.laterSections().keySet()))
                        + ")");
                spec.commandLine().getOut().flush();
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(file + ": " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println("switchboard " + version());
            return 0;
        }
    }
}
