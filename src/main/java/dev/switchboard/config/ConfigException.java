package dev.switchboard.config;

/**
 * A config that cannot be used; the message names the entry (a path like
 * {@code models.general[0].weight}). {@link #path()} is that path alone, for the admin API's
 * {@code param}; null when the problem is not about one field.
 */
public final class ConfigException extends RuntimeException {

    private final String path;

    public ConfigException(String message) {
        super(message);
        this.path = null;
    }

    public ConfigException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
