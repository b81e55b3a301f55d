package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command tree, its help, {@code migrate}, and how the store commands end when they cannot run. */
class CommandLineTest {

    @TempDir
    Path dataDir;

    @Test
    void help_listsEverySubcommand() {
        Cli.Result r = Cli.run(Map.of(), "--help");

        assertThat(r.exit()).isZero();
        for (String command : new String[] {"serve", "migrate", "keys", "deployments", "encryption", "config", "simulate", "version"}) {
            assertThat(r.out()).containsPattern("(?m)^  " + command + " ");
        }
        assertThat(Cli.run(Map.of(), "keys", "--help").out()).contains("  create ", "  list ", "  revoke ");
        assertThat(Cli.run(Map.of(), "deployments", "--help").out()).contains("  add ", "  list ", "  remove ");
        assertThat(Cli.run(Map.of(), "encryption", "--help").out()).contains("  rotate ");
    }

    @Test
    void prime_servesEveryKindOfRequestOnce_thenLeavesNothingBehind_andIsNotInTheHelp() throws Exception {
        java.util.function.Supplier<java.util.Set<Path>> leftovers = () -> {
            try (var dirs = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                return dirs.filter(d -> d.getFileName().toString().startsWith("switchboard-prime")).collect(java.util.stream.Collectors.toSet());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        var before = leftovers.get();

        assertThat(new PrimeCommand().call()).as("the gateway answered the first chat completion").isZero();

        assertThat(leftovers.get()).as("its temporary store is removed").isEqualTo(before);
        assertThat(Cli.run(Map.of(), "--help").out()).doesNotContain("prime");
    }

    @ParameterizedTest
    @ValueSource(strings = {"migrate", "keys create", "keys list", "keys revoke", "deployments add", "deployments list",
            "deployments remove", "encryption rotate"})
    void everyStoreCommand_answersHelp_withoutTouchingTheStore(String command) {
        Map<String, String> env = Cli.sqlite(dataDir.resolve("untouched"));
        Cli.Result r = Cli.run(env, (command + " --help").split(" "));

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: switchboard " + command + " ").contains("--help");
        assertThat(dataDir.resolve("untouched")).doesNotExist();
    }

    @Test
    void aGroupWithoutItsSubcommand_exits2_listingThem() {
        Cli.Result r = Cli.run(Map.of(), "keys");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("switchboard: Missing required subcommand: one of create, list, revoke (see 'switchboard keys --help')\n");
    }

    @Test
    void usageErrors_areOneLine_namingTheHelpToRead_exit2() {
        Cli.Result missing = Cli.run(Map.of(), "keys", "create");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("switchboard: Missing required option: '--name=NAME' (see 'switchboard keys create --help')\n");

        Cli.Result unknown = Cli.run(Map.of(), "wat");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("switchboard: Unmatched argument").hasLineCount(1);

        Cli.Result group = Cli.run(Map.of(), "config");
        assertThat(group.exit()).as("a group without its subcommand, as keys and deployments").isEqualTo(2);
        assertThat(group.out()).isEmpty();
        assertThat(group.err()).isEqualTo("switchboard: Missing required subcommand: one of check (see 'switchboard config --help')\n");
    }

    @Test
    void configCheck_countsWhatTheFileHolds() throws Exception {
        Path empty = java.nio.file.Files.writeString(dataDir.resolve("empty.yaml"), "{}\n");
        Path two = java.nio.file.Files.writeString(dataDir.resolve("two.yaml"), """
                models:
                  a: [ { provider: simulator, upstreamModel: x }, { provider: simulator, upstreamModel: y } ]
                """);

        assertThat(Cli.run(Map.of(), "config", "check", empty.toString()).out()).endsWith(": OK (0 public models, 0 deployments, 0 keys, 0 teams)\n");
        assertThat(Cli.run(Map.of(), "config", "check", two.toString()).out()).endsWith(": OK (1 public models, 2 deployments, 0 keys, 0 teams)\n");
    }

    @Test
    void configCheck_namesTheSectionsThisBuildKeepsWithoutReading() throws Exception {
        Path later = java.nio.file.Files.writeString(dataDir.resolve("later.yaml"), """
                cache: { ttlSeconds: 60 }
                models:
                  a: [ { provider: simulator, upstreamModel: x } ]
                guardrails: [ { name: pii } ]
                """);
        Path typo = java.nio.file.Files.writeString(dataDir.resolve("typo.yaml"), "modles: {}\n");

        Cli.Result ok = Cli.run(Map.of(), "config", "check", later.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).endsWith(": OK (1 public models, 1 deployments, 0 keys, 0 teams; not used by this build, kept: cache, guardrails)\n");
        Cli.Result refused = Cli.run(Map.of(), "config", "check", typo.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).endsWith(": unknown section 'modles' (did you mean 'models'?)\n");
    }

    @Test
    void anOptionValueThatDoesNotConvert_isARefusal_oneLineExit1() {
        Cli.Result r = Cli.run(Cli.sqlite(dataDir), "keys", "create", "--name", "x", "--rpm", "abc");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("switchboard: --rpm: 'abc' is not a valid value (a whole number)\n");
        assertThat(dataDir.resolve("switchboard.db")).as("refused before the store opens").doesNotExist();
    }

    @Test
    void migrate_createsTheSchema_thenFindsItUpToDate() {
        Cli.Result first = Cli.run(Cli.sqlite(dataDir), "migrate");
        Cli.Result second = Cli.run(Cli.sqlite(dataDir), "migrate");

        String store = "sqlite:" + dataDir.resolve("switchboard.db").toAbsolutePath();
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).matches("Store at \\Q" + store + "\\E is at schema version \\d+ \\(applied \\d+ migrations?\\)\\.\\n");
        assertThat(second.out()).matches("Store at \\Q" + store + "\\E is at schema version \\d+ \\(already up to date\\)\\.\\n");
        assertThat(first.err()).as("no log line at the default level").isEmpty();
        assertThat(dataDir.resolve("encryption.key")).as("migrate needs no keyring").doesNotExist();
    }

    @Test
    void badSetting_exits2_withOneLineNamingIt() {
        Cli.Result r = Cli.run(Map.of("DATABASE_URL", "mysql://db/switchboard"), "keys", "list");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("switchboard: DATABASE_URL must start with postgres://, postgresql://, jdbc:postgresql:// or sqlite:\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite:", "sqlite::memory:", "postgres://", "postgres://u:hunter2@127.0.0.1:notaport/db", "postgres://u:hunter2@ho st/db"})
    void aDatabaseUrlWithoutAStore_exits2_withOneLineThatNeverQuotesIt(String url) {
        Cli.Result r = Cli.run(Map.of("DATABASE_URL", url, "SWITCHBOARD_DATA_DIR", dataDir.toString()), "migrate");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: DATABASE_URL").doesNotContain("hunter2").doesNotContain("Exception");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void unreachableStore_exits2_namingIt() {
        Cli.Result r = Cli.run(Map.of("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none", "ENCRYPTION_KEYS", Cli.keyringEntry("k")),
                "deployments", "list");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("switchboard: ").contains("127.0.0.1:1").hasLineCount(1);
    }
}
