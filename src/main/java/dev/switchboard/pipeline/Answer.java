package dev.switchboard.pipeline;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writing a request's answer once its future completes. An exception thrown while writing fails
 * the request like a failed future does: in a bare {@code onSuccess} it went to Vert.x's
 * context as "Unhandled exception", and the client waited for an answer that never came.
 */
public final class Answer {

    private Answer() {}

    /** For {@code Future.onComplete}: {@code write} the result; a failure, or what {@code write} throws, fails {@code ctx}. */
    public static <T> Handler<AsyncResult<T>> then(RoutingContext ctx, Consumer<T> write) {
        return then(ctx, write, Function.identity());
    }

    /** As above, with the failure turned into what {@code ctx} fails with. */
    public static <T> Handler<AsyncResult<T>> then(RoutingContext ctx, Consumer<T> write, Function<Throwable, Throwable> failure) {
        return ar -> {
            if (ar.failed()) {
                ctx.fail(failure.apply(ar.cause()));
                return;
            }
            try {
                write.accept(ar.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        };
    }
}
