package dev.switchboard.cli;

import dev.switchboard.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs the command line in process with an environment of the test's own, capturing what it prints. */
final class Cli {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Cli() {}

    record Result(int exit, String out, String err) {

        /** The value after {@code prefix} on the first stdout line that starts with it. */
        String line(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in:\n" + out + err))
                    .substring(prefix.length()).trim();
        }
    }

    static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(new Main(env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The environment of a CLI that shares {@code dataDir} (SQLite store, keyring) with a server. */
    static Map<String, String> sqlite(Path dataDir, String... more) {
        Map<String, String> env = new HashMap<>();
        env.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
        for (int i = 0; i < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    /** A fresh {@code kid:base64key} entry of {@code ENCRYPTION_KEYS}. */
    static String keyringEntry(String kid) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return kid + ":" + Base64.getEncoder().encodeToString(key);
    }
}
