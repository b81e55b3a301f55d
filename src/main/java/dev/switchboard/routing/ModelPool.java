package dev.switchboard.routing;

import java.util.List;

/** The enabled deployments behind one public model; {@link DeploymentHealth} chooses among them. */
public record ModelPool(String publicModel, List<Deployment> deployments) {

    public ModelPool {
        deployments = List.copyOf(deployments);
    }
}
