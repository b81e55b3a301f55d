package dev.switchboard.store;

import dev.switchboard.auth.KeyHash;
import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.ConfigState;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.FallbackSpec;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.KeySpec;
import dev.switchboard.config.TeamSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Makes the store agree with the config file, at every start that names one: the file's entries
 * (stable ids from what identifies them, {@code source: file}) are inserted or updated, the file
 * entries gone from the file are removed, and what the API created is left alone. Reconciling the
 * same file twice changes nothing, so several instances loading one file agree.
 *
 * <p>A file key without a fixed {@code key} value gets a generated one the first time, printed
 * once on stdout as {@code Key <name>: <key>} after the write commits; later starts keep it.
 */
public final class FileReconciler {

    private static final String FILE = "file";

    private final Store store;
    private final PrintStream stdout;

    public FileReconciler(Store store, PrintStream stdout) {
        this.store = store;
        this.stdout = stdout;
    }

    public void reconcile(GatewayConfig file) {
        // Two instances starting at once may both generate a key for the same new file entry; the
        // loser's insert conflicts, and its second pass finds the winner's key.
        for (int attempt = 1; ; attempt++) {
            try {
                List<String> generated = store.write(tx -> apply(tx, file));
                for (String line : generated) stdout.println(line);
                stdout.flush();
                return;
            } catch (StoreConflictException e) {
                if (attempt == 3) {
                    throw new StoreException("the config file conflicts with the store: " + e.getMessage()
                            + " (an entry created through the API may already use that name)", e);
                }
            }
        }
    }

    private static List<String> apply(StoreTx tx, GatewayConfig file) {
        List<String> generated = new ArrayList<>();

        // teams first: keys refer to them
        Set<String> teamIds = new HashSet<>();
        for (TeamSpec t : file.teams()) {
            teamIds.add(t.id());
            Optional<TeamSpec> existing = tx.teams().find(t.id());
            if (existing.isEmpty()) tx.teams().insert(t);
            else if (!existing.get().equals(t)) tx.teams().update(t);
        }

        Map<String, String> teamIdByName = file.teams().stream().collect(Collectors.toMap(TeamSpec::name, TeamSpec::id));
        Function<String, String> teamId = teamIdByName::get;
        Set<String> keyIds = new HashSet<>();
        for (KeySpec k : file.keys()) {
            keyIds.add(k.id());
            Optional<VirtualKey> existing = tx.keys().find(k.id());
            String hash;
            String prefix;
            if (k.key() != null) {
                hash = KeyHash.sha256Hex(k.key());
                prefix = KeyHash.prefixOf(k.key());
            } else if (existing.isPresent()) {
                hash = existing.get().keyHash();
                prefix = existing.get().keyPrefix();
            } else {
                String value = KeyHash.newVirtualKey();
                hash = KeyHash.sha256Hex(value);
                prefix = KeyHash.prefixOf(value);
                generated.add("Key " + k.name() + ": " + value);
            }
            VirtualKey wanted = ConfigState.fileKey(k, hash, prefix, teamId);
            if (existing.isEmpty()) tx.keys().insert(wanted);
            else if (!sameKey(existing.get(), wanted)) tx.keys().update(wanted);
        }
        for (VirtualKey k : tx.keys().all()) {
            if (FILE.equals(k.source()) && !keyIds.contains(k.id())) tx.keys().delete(k.id());
        }
        for (TeamSpec t : tx.teams().all()) {
            if (FILE.equals(t.source()) && !teamIds.contains(t.id())) {
                if (tx.keys().countInTeam(t.id()) > 0) {
                    throw new StoreException("team '" + t.name() + "' was removed from the config file but keys created through the API still belong to it");
                }
                tx.teams().delete(t.id());
            }
        }

        Set<String> deploymentIds = new HashSet<>();
        for (List<DeploymentSpec> pool : file.models().values()) {
            for (DeploymentSpec d : pool) {
                deploymentIds.add(d.id());
                Optional<DeploymentSpec> existing = tx.deployments().find(d.id());
                if (existing.isEmpty()) tx.deployments().insert(d);
                else if (!existing.get().equals(d)) tx.deployments().update(d);
            }
        }
        for (DeploymentSpec d : tx.deployments().all()) {
            if (FILE.equals(d.source()) && !deploymentIds.contains(d.id())) tx.deployments().delete(d.id());
        }

        Set<String> fallbackIds = new HashSet<>();
        for (FallbackSpec f : file.fallbacks()) {
            fallbackIds.add(f.primaryModel() + "\n" + f.reason());
            Optional<FallbackSpec> stored = tx.fallbacks().find(f.primaryModel(), f.reason());
            if (stored.isPresent() && !FILE.equals(stored.get().source())) {
                // as for keys and teams: the file does not take over (and later delete) what the API made
                throw new StoreException("the config file conflicts with the store: the fallback chain of '" + f.primaryModel() + "' ("
                        + f.reason() + ") was made through the API; delete it there (DELETE /admin/fallbacks/…) or leave it out of the file");
            }
            if (!stored.map(f::equals).orElse(false)) tx.fallbacks().upsert(f);
        }
        for (FallbackSpec f : tx.fallbacks().all()) {
            if (FILE.equals(f.source()) && !fallbackIds.contains(f.primaryModel() + "\n" + f.reason())) {
                tx.fallbacks().delete(f.primaryModel(), f.reason());
            }
        }

        Optional<RouterSettingsRepository.Stored> router = tx.routerSettings().get();
        if (file.router() != null) {
            if (router.isEmpty() || !router.get().settings().equals(file.router()) || !FILE.equals(router.get().source())) {
                tx.routerSettings().put(file.router(), FILE);
            }
        } else if (router.isPresent() && FILE.equals(router.get().source())) {
            tx.routerSettings().clear();
        }
        return generated;
    }

    /** Equal in everything the file decides (timestamps are the store's). */
    private static boolean sameKey(VirtualKey a, VirtualKey b) {
        return a.name().equals(b.name()) && a.keyHash().equals(b.keyHash()) && a.keyPrefix().equals(b.keyPrefix())
                && java.util.Objects.equals(a.teamId(), b.teamId()) && a.allowedModels().equals(b.allowedModels())
                && java.util.Objects.equals(a.budget(), b.budget()) && java.util.Objects.equals(a.limits(), b.limits())
                && java.util.Objects.equals(a.systemPrompt(), b.systemPrompt()) && java.util.Objects.equals(a.expiresAt(), b.expiresAt())
                && a.enabled() == b.enabled() && a.metadata().equals(b.metadata()) && FILE.equals(a.source());
    }
}
