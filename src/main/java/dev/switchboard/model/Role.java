package dev.switchboard.model;

/** Who wrote a message. {@code DEVELOPER} is OpenAI's newer name for a system-level instruction. */
public enum Role {
    SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
