package dev.switchboard.config;

import dev.switchboard.auth.KeyHash;
import dev.switchboard.auth.VirtualKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything a snapshot is built from, as the store holds it: flat lists, keys as hashes, teams
 * referenced by id. {@link #fromFile} gives the same shape for a config file alone.
 *
 * @param masterKeyHash SHA-256 of the master key, or null when none is known (no admin access)
 */
public record ConfigState(
        List<DeploymentSpec> deployments,
        List<VirtualKey> keys,
        List<TeamSpec> teams,
        List<FallbackSpec> fallbacks,
        RouterSettings router,
        byte[] masterKeyHash) {

    public ConfigState {
        deployments = List.copyOf(deployments);
        keys = List.copyOf(keys);
        teams = List.copyOf(teams);
        fallbacks = List.copyOf(fallbacks);
    }

    /** A config file on its own: only its keys with a fixed {@code key} value can authenticate. */
    public static ConfigState fromFile(GatewayConfig file, byte[] masterKeyHash) {
        List<DeploymentSpec> deployments = new ArrayList<>();
        file.models().values().forEach(deployments::addAll);
        Map<String, String> teamIds = file.teams().stream().collect(Collectors.toMap(TeamSpec::name, TeamSpec::id));
        List<VirtualKey> keys = file.keys().stream()
                .filter(k -> k.key() != null)
                .map(k -> fileKey(k, KeyHash.sha256Hex(k.key()), KeyHash.prefixOf(k.key()), teamIds::get))
                .toList();
        return new ConfigState(deployments, keys, file.teams(), file.fallbacks(), file.router(), masterKeyHash);
    }

    /** A key of the config file as the store keeps it. */
    public static VirtualKey fileKey(KeySpec k, String keyHash, String keyPrefix, Function<String, String> teamIdByName) {
        return new VirtualKey(k.id(), k.name(), keyHash, keyPrefix, k.team() == null ? null : teamIdByName.apply(k.team()),
                k.allowedModels(), k.budget(), k.limits(), k.systemPrompt(), k.expiresAt(), k.enabled(), k.metadata(), "file", null, null);
    }
}
