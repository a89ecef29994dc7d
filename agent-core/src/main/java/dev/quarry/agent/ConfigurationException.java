package dev.quarry.agent;

/** The agent or a model was configured in a way that cannot work; the message says what to set. */
public final class ConfigurationException extends QuarryException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
