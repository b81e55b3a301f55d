package dev.switchboard.http;

import dev.switchboard.error.GatewayError;
import io.vertx.ext.web.RoutingContext;

/** Query-string parameters of the client and admin APIs. */
public final class QueryParams {

    private QueryParams() {}

    /** The whole number {@code name} from {@code min} to {@code max}; {@code otherwise} when absent or empty, else a 400 naming it. */
    public static int bounded(RoutingContext ctx, String name, int otherwise, int min, int max) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) return otherwise;
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw GatewayError.invalid(name, "'" + name + "' must be an integer from " + min + " to " + max + ".");
    }

    /** {@code true} or {@code false}; {@code otherwise} when absent or empty, else a 400 naming it. */
    public static boolean bool(RoutingContext ctx, String name, boolean otherwise) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) return otherwise;
        if (value.equals("true")) return true;
        if (value.equals("false")) return false;
        throw GatewayError.invalid(name, "'" + name + "' must be true or false.");
    }
}
