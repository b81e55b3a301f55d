package dev.switchboard.store;

import dev.switchboard.config.DeploymentSpec;
import java.util.List;
import java.util.Optional;

/** Deployments, with their credentials sealed at rest and opened on read. */
public interface DeploymentRepository {

    List<DeploymentSpec> all();

    Page<DeploymentSpec> page(int limit, int offset);

    Optional<DeploymentSpec> find(String id);

    void insert(DeploymentSpec d);

    /** @return false when there is no deployment with that id */
    boolean update(DeploymentSpec d);

    boolean delete(String id);

    /** Re-seals every credential not sealed with the active key; returns how many rows changed. */
    int reseal();
}
