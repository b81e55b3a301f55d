package dev.switchboard;

import dev.switchboard.app.Gateway;
import dev.switchboard.app.Settings;
import dev.switchboard.app.SettingsException;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.observe.LogSetup;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.provider.simulator.SimulatorServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line: {@code serve} (the default), {@code simulate}, {@code config check}, {@code version}. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An AI gateway: one endpoint in front of every model provider.",
        subcommands = {Main.Serve.class, Main.Simulate.class, Main.ConfigCmd.class, Main.VersionCmd.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        return new Serve().call();
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
        @Override
        public Integer call() {
            Settings settings;
            Gateway gateway;
            try {
                settings = Settings.fromEnv(System.getenv());
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
            SimulatorServer server = SimulatorServer.start(host, port, apiKey);
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

    @Command(name = "config", description = "Work with config files.", subcommands = {ConfigCheck.class})
    static final class ConfigCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return 0;
        }
    }

    @Command(name = "check", description = "Validate a config file as the server would at start, without starting.")
    static final class ConfigCheck implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The YAML config file.")
        Path file;

        @Override
        public Integer call() {
            try {
                ProviderRegistry registry = ProviderRegistry.standard(Clock.systemUTC());
                GatewayConfig config = new ConfigLoader(System::getenv, registry.ids()).load(file);
                var snapshot = new SnapshotBuilder(registry, System::getenv, Clock.systemUTC()).build(config, 0);
                System.out.println(file + ": OK (" + config.models().size() + " public models, "
                        + snapshot.models().values().stream().mapToInt(p -> p.deployments().size()).sum() + " deployments, "
                        + config.keys().size() + " keys, " + config.teams().size() + " teams)");
                return 0;
            } catch (ConfigException e) {
                System.err.println(file + ": " + e.getMessage());
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
