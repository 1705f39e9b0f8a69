package dev.hearth.config;

/** A setting is unknown, missing or has a value that breaks its rule; the message names key, value and rule. */
public class SettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
