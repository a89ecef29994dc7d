package dev.quarry.index;

import java.util.Objects;
import java.util.Set;

/**
 * Keeps only chunks whose document has metadata {@code key} equal to one of {@code values}. Several
 * filters in one {@link SearchRequest} must all hold.
 *
 * @param key metadata key
 * @param values accepted values; at least one
 */
public record MetadataFilter(String key, Set<String> values) {

    public MetadataFilter {
        Objects.requireNonNull(key, "filter key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("filter key must not be blank");
        }
        values = Set.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("filter on '" + key + "' needs at least one value");
        }
    }

    /** Metadata {@code key} must equal {@code value}. */
    public static MetadataFilter equalTo(String key, String value) {
        return new MetadataFilter(key, Set.of(value));
    }

    /** Metadata {@code key} must equal one of {@code values}. */
    public static MetadataFilter anyOf(String key, String... values) {
        return new MetadataFilter(key, Set.of(values));
    }
}
