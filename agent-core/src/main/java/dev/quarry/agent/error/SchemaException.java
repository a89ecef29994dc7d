package dev.quarry.agent.error;

/**
 * Quarry's tables in a database are not at the schema version this Quarry uses: written by a newer Quarry,
 * or older and not to be migrated by Quarry ({@code migrate(false)}). The message names the table, both
 * versions and what to do.
 */
public final class SchemaException extends QuarryException {

    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }

    private SchemaException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public SchemaException withPartial(Object partialResult) {
        return new SchemaException(getMessage(), this, partialResult);
    }
}
