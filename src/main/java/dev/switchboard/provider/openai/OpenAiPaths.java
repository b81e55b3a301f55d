package dev.switchboard.provider.openai;

import dev.switchboard.routing.Deployment;

/**
 * Where a server of the OpenAI family takes each operation, relative to the deployment's base URL,
 * and whether the body names the model. OpenAI and almost every compatible server put the version
 * in the base URL and take {@code /chat/completions} with {@code model} in the body; Azure names
 * the model in the path instead (see {@code AzurePaths}).
 */
public interface OpenAiPaths {

    /** The path (with any query) of chat completions for this deployment. */
    String chat(Deployment d);

    /** The path (with any query) of embeddings for this deployment. */
    String embeddings(Deployment d);

    /** Whether the body carries {@code model}; false when the path already names the model. */
    default boolean modelInBody(Deployment d) {
        return true;
    }

    OpenAiPaths STANDARD = new OpenAiPaths() {
        @Override
        public String chat(Deployment d) {
            return "/chat/completions";
        }

        @Override
        public String embeddings(Deployment d) {
            return "/embeddings";
        }
    };
}
