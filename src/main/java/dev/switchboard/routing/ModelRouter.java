package dev.switchboard.routing;

import dev.switchboard.auth.Principal;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import java.util.List;

/**
 * Resolves the model a client names to a pool of deployments, in the contract's order: a public
 * model of the catalog, then {@code provider/model}, then a bare name by known prefixes. Scope is
 * checked here: a name the key may not use is 403, a name nothing serves is 404.
 */
public final class ModelRouter {

    private ModelRouter() {}

    public static ModelPool resolve(ConfigSnapshot snapshot, String model, Principal principal) {
        ModelPool pool = snapshot.models().get(model);
        if (pool != null) {
            if (!principal.mayUse(model)) throw notAllowed(model);
            if (pool.deployments().isEmpty()) {
                throw new GatewayError(ErrorKind.MODEL_NOT_FOUND, "The model '" + model + "' has no enabled deployment.", "model", -1, false);
            }
            return pool;
        }
        DirectRoutes direct = snapshot.direct();
        int slash = model.indexOf('/');
        Deployment d = null;
        if (slash > 0) {
            String provider = model.substring(0, slash);
            d = direct.explicit(provider, model.substring(slash + 1));
            if (d != null && !principal.mayRouteDirect(provider, d.upstreamModel())) throw notAllowed(model);
        }
        if (d == null) {
            d = direct.byPrefix(model);
            if (d != null && !principal.mayRouteDirect(d.provider().id(), model)) throw notAllowed(model);
        }
        if (d == null) throw new GatewayError(ErrorKind.MODEL_NOT_FOUND, "The model '" + model + "' does not exist or is not served here.", "model", -1, false);
        return new ModelPool(model, List.of(d));
    }

    private static GatewayError notAllowed(String model) {
        return new GatewayError(ErrorKind.MODEL_NOT_ALLOWED, "This API key may not use the model '" + model + "'.", "model", -1, false);
    }
}
