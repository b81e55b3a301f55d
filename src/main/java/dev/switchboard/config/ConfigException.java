package dev.switchboard.config;

/** A config file that cannot be used; the message names the entry (a path like {@code models.general[0].weight}). */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
