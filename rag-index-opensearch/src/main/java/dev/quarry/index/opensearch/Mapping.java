package dev.quarry.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.index.IncompatibleIndexException;

/** The index settings and mapping Quarry creates, and the check that an existing index was made by them. */
final class Mapping {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Mapping() {}

    /** Settings and mapping for a new index; {@code dimension} 0 means BM25 only. */
    static ObjectNode create(
            int shards, int replicas, int dimension, String format, boolean titles, boolean approximate) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode settings =
                body.putObject("settings").put("number_of_shards", shards).put("number_of_replicas", replicas);
        if (approximate) {
            settings.put("index.knn", true);
        }
        ObjectNode mappings = body.putObject("mappings");
        mappings.put("dynamic", "strict");
        mappings.putObject("_meta")
                .put("quarry.format", format)
                .put("dimension", dimension)
                .put("titles", titles)
                .put("vectors", approximate ? "approximate" : "exact");
        ObjectNode properties = mappings.putObject("properties");
        for (String keyword : new String[] {"kind", "doc_id", "source"}) {
            properties.putObject(keyword).put("type", "keyword");
        }
        for (String integer : new String[] {"ordinal", "start", "end", "chunk_count"}) {
            properties.putObject(integer).put("type", "integer");
        }
        properties.putObject("text").put("type", "text").put("analyzer", "english");
        properties.putObject("title").put("type", "text").put("analyzer", "english");
        properties.putObject("doc_text").put("type", "text").put("index", false);
        properties.putObject("meta").put("type", "flat_object");
        if (approximate) {
            // the graph holds the vectors; keeping them in _source too would double the disk for nothing
            mappings.putObject("_source").putArray("excludes").add("vector");
            ObjectNode vector =
                    properties.putObject("vector").put("type", "knn_vector").put("dimension", dimension);
            vector.putObject("method")
                    .put("name", "hnsw")
                    .put("engine", "lucene")
                    .put("space_type", "cosinesimil")
                    .putObject("parameters")
                    .put("m", 16)
                    .put("ef_construction", 100);
        } else {
            // kept in _source for the exact cosine script; not indexed, no doc values
            properties
                    .putObject("vector")
                    .put("type", "float")
                    .put("index", false)
                    .put("doc_values", false);
        }
        return body;
    }

    /** Whether an existing index was created for approximate (k-NN) vector search. */
    static boolean approximate(JsonNode indexMapping) {
        return "approximate"
                .equals(indexMapping
                        .path("mappings")
                        .path("_meta")
                        .path("vectors")
                        .asText("exact"));
    }

    /**
     * Fails with a clear message when an existing index was not created by this format and dimension, or
     * with the other titles setting than the one {@code titles} asks for (null: any); returns whether the
     * index holds titles.
     */
    static boolean check(JsonNode indexMapping, String index, int dimension, Boolean titles) {
        JsonNode meta = indexMapping.path("mappings").path("_meta");
        String format = meta.path("quarry.format").asText(null);
        if (format == null) {
            throw new IncompatibleIndexException(
                    "OpenSearch index " + index + " was not created by Quarry; choose another index name");
        }
        if (!format.equals(OpenSearchIndex.FORMAT_VERSION)) {
            throw new IncompatibleIndexException("OpenSearch index " + index + " has Quarry format " + format
                    + " but this version reads format " + OpenSearchIndex.FORMAT_VERSION
                    + (format.equals("1") ? " (since format 2 document titles are searched and embedded)" : "")
                    + "; delete the index and index the documents again");
        }
        int stored = meta.path("dimension").asInt();
        if (stored != dimension && dimension != 0) {
            throw new IncompatibleIndexException("OpenSearch index " + index + " was built with embedding dimension "
                    + stored + " but this index is configured with dimension " + dimension
                    + "; use the same embedding model or rebuild the index");
        }
        boolean storedTitles = meta.path("titles").asBoolean(true);
        if (titles != null && titles != storedTitles) {
            throw new IncompatibleIndexException("OpenSearch index " + index + " was built with titles "
                    + (storedTitles ? "" : "not ") + "searched and embedded, but this index is configured with titles("
                    + titles + "); leave titles unset to use the index as built, or rebuild the index");
        }
        return storedTitles;
    }
}
