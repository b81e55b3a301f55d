package dev.switchboard.auth;

import java.util.List;

/** Who is calling: the operator (master key) or a virtual key. */
public record Principal(boolean admin, VirtualKey key) {

    public static final Principal MASTER = new Principal(true, null);

    public List<String> allowedModels() {
        return admin ? List.of() : key.allowedModels();
    }

    /** Whether this caller may use a public model of the catalog. */
    public boolean mayUse(String publicModel) {
        List<String> allowed = allowedModels();
        return allowed.isEmpty() || allowed.contains(publicModel);
    }

    /** Whether this caller may route directly to {@code provider/model}. */
    public boolean mayRouteDirect(String provider, String model) {
        List<String> allowed = allowedModels();
        return allowed.isEmpty() || allowed.contains(provider + "/*") || allowed.contains(provider + "/" + model);
    }
}
