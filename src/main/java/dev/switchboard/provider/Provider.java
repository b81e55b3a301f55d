package dev.switchboard.provider;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.routing.Deployment;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * The provider SPI: one implementation per provider API (the OpenAI-compatible family shares one,
 * with presets as data). Implementations are stateless and shared by every event loop; everything
 * an attempt needs arrives in its call.
 *
 * <p>A returned future that fails carries an {@link UpstreamException}, so the attempt loop can
 * classify it; for streams the future completes when the upstream has answered 2xx, and later
 * failures arrive through the {@link EventSource}.
 */
public interface Provider {

    /** The provider id of CONTRACT.md ({@code openai}, {@code groq}, {@code simulator}, …). */
    String id();

    WireFormat wireFormat();

    /**
     * The wire format of one deployment. The provider's own, unless it serves models of several
     * formats (Vertex AI: Gemini's for Google's models, Anthropic's for Claude); a client whose
     * format equals it is served by native passthrough.
     */
    default WireFormat wireFormat(Deployment d) {
        return wireFormat();
    }

    Capabilities capabilities();

    ProviderEndpoint endpoint();

    Future<ChatReply> chat(ChatCall call);

    Future<EmbeddingReply> embed(EmbeddingCall call);

    /**
     * The prompt tokens of {@code call}'s request as this provider counts them (token-count
     * endpoints). By default an estimate ({@link TokenEstimate}); providers with a counting API, or
     * an exact rule (the simulator), override it.
     */
    default Future<Long> countTokens(ChatCall call) {
        return Future.succeededFuture(TokenEstimate.prompt(call.request()));
    }

    /**
     * The deployment as the request path will call it, for a provider whose endpoint and
     * credentials are more than a base URL and one key (Bedrock: a region and AWS keys, from the
     * deployment or the environment). Null, the default, means the standard rule of
     * {@link dev.switchboard.config.SnapshotBuilder#servable}; a problem is a
     * {@link dev.switchboard.config.ConfigException} naming the deployment's field.
     */
    default Deployment servable(DeploymentSpec spec, Function<String, String> env, Timeouts timeouts) {
        return null;
    }
}
