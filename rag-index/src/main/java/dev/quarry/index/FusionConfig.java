package dev.quarry.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A hybrid fusion chosen for one index (by {@code quarry eval --tune}, {@code FusionTuning}), in a small JSON
 * file the index reads ({@link LuceneIndex.Builder#fusionConfig}, {@code quarry index --fusion-config}, the
 * Spring property {@code quarry.index.fusion-config}). It names the index it was tuned on by its
 * {@link LuceneIndex#fingerprint() fingerprint} (format, titles, embedding model and dimension): a file
 * tuned on another index is refused, because its weights mean nothing for other scores.
 *
 * @param fusion the fusion
 * @param fingerprint the fingerprint of the index it was tuned on
 * @param evidence how it was chosen, for people reading the file
 */
public record FusionConfig(SearchRequest.Fusion fusion, String fingerprint, String evidence) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public FusionConfig {
        Objects.requireNonNull(fusion, "fusion");
        Objects.requireNonNull(fingerprint, "fingerprint");
        evidence = evidence == null ? "" : evidence;
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "quarry-fusion-config");
        root.put("version", 1);
        root.put("method", fusion.method().name().toLowerCase(Locale.ROOT));
        root.put("bm25Weight", fusion.bm25Weight());
        root.put("vectorWeight", fusion.vectorWeight());
        root.put("rankConstant", fusion.rankConstant());
        root.put("depth", fusion.depth());
        root.put("index", fingerprint);
        root.put("evidence", evidence);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws IllegalArgumentException when it is not such a file, naming what is wrong
     */
    public static FusionConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the fusion config " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !"quarry-fusion-config".equals(root.path("format").asText())) {
            throw new IllegalArgumentException(file + " is not a fusion config (quarry eval --tune writes one)");
        }
        if (root.path("version").asInt() != 1) {
            throw new IllegalArgumentException(
                    file + " is a fusion config of version " + root.path("version") + "; this Quarry reads version 1");
        }
        try {
            SearchRequest.Fusion.Method method = SearchRequest.Fusion.Method.valueOf(
                    root.path("method").asText().toUpperCase(Locale.ROOT));
            return new FusionConfig(
                    new SearchRequest.Fusion(
                            root.path("bm25Weight").asDouble(),
                            root.path("vectorWeight").asDouble(),
                            root.path("rankConstant").asInt(),
                            root.path("depth").asInt(),
                            method),
                    root.path("index").asText(),
                    root.path("evidence").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the fusion config " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * The fusion, for the index with {@code indexFingerprint}.
     *
     * @throws IncompatibleIndexException when the file was tuned on another kind of index
     */
    public SearchRequest.Fusion fusionFor(String indexFingerprint, String location) {
        if (!fingerprint.equals(indexFingerprint)) {
            throw new IncompatibleIndexException("the fusion config was tuned on an index \"" + fingerprint
                    + "\" but " + location + " is \"" + indexFingerprint + "\" (another embedding model or fields):"
                    + " tune it again on this index with quarry eval --tune");
        }
        return fusion;
    }
}
