package dev.switchboard.app;

/** A setting that stops the gateway from starting; the message names the setting and the value's problem. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
