package dev.switchboard.provider;

/** The wire formats the gateway speaks. When a client's format equals its provider's, the body passes through natively. */
public enum WireFormat {
    OPENAI_CHAT, OPENAI_RESPONSES, ANTHROPIC_MESSAGES, GEMINI, BEDROCK_CONVERSE, COHERE_CHAT, NONE
}
