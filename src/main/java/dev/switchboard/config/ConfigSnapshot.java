package dev.switchboard.config;

import dev.switchboard.auth.VirtualKey;
import dev.switchboard.routing.DirectRoutes;
import dev.switchboard.routing.ModelPool;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the request path decides with, in memory and immutable: public models with their
 * resolved deployments, virtual keys by hash, teams, fallbacks, router settings, direct routes and
 * the master key's hash. A change builds a new snapshot and swaps it in atomically
 * ({@link SnapshotHolder}); a request reads the snapshot once and uses that one throughout.
 *
 * @param keysByHash    virtual keys by the hex SHA-256 of their value
 * @param teams         teams by id
 * @param masterKeyHash SHA-256 of the master key; null when there is none (nobody is admin)
 */
public record ConfigSnapshot(
        long version,
        Instant builtAt,
        Map<String, ModelPool> models,
        Map<String, VirtualKey> keysByHash,
        Map<String, TeamSpec> teams,
        List<FallbackSpec> fallbacks,
        RouterSettings router,
        DirectRoutes direct,
        byte[] masterKeyHash) {

    /** The targets of the chain kept for {@code primary} and {@code reason}; empty when there is none. */
    public List<String> fallbackTargets(String primary, String reason) {
        for (FallbackSpec f : fallbacks) {
            if (f.primaryModel().equals(primary) && f.reason().equals(reason)) return f.targets();
        }
        return List.of();
    }

    /** The balancing strategy of a public model: its override, else the router's. */
    public String strategyFor(String publicModel) {
        RouterSettings.ModelOverride o = router.modelOverrides().get(publicModel);
        return o != null && o.strategy() != null ? o.strategy() : router.strategy();
    }
}
