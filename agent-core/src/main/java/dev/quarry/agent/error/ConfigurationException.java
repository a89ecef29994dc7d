package dev.quarry.agent.error;

/**
 * The agent, a tool or a model was configured in a way that cannot work; the message says what to set.
 * Builders throw it from {@code build()} (or from the setter given the bad value); a model client that
 * finds its configuration wrong during a call (missing credentials, unknown model) raises it too, and it
 * reaches the caller as itself, never wrapped.
 */
public final class ConfigurationException extends QuarryException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    private ConfigurationException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public ConfigurationException withPartial(Object partialResult) {
        return new ConfigurationException(getMessage(), this, partialResult);
    }
}
