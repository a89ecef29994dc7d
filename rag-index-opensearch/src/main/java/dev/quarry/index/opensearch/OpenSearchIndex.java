package dev.quarry.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.quarry.index.Chunk;
import dev.quarry.index.Chunker;
import dev.quarry.index.Document;
import dev.quarry.index.Embeddings;
import dev.quarry.index.Hit;
import dev.quarry.index.IncompatibleIndexException;
import dev.quarry.index.IndexException;
import dev.quarry.index.MetadataFilter;
import dev.quarry.index.ReciprocalRankFusion;
import dev.quarry.index.SearchIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * The {@link SearchIndex} contract on an OpenSearch cluster, through the official {@code opensearch-java}
 * client: the same chunking, the same hits and citations, and hybrid search fused by the same
 * {@link ReciprocalRankFusion} as {@link dev.quarry.index.LuceneIndex}, so the two backends rank alike.
 *
 * <ul>
 *   <li>One OpenSearch document per chunk ({@code <id>#<ordinal>}) and one per source document
 *       ({@code doc:<id>}, holding its text and chunk count for {@link #document} and replacement).
 *   <li>BM25 on the {@code text} and {@code title} fields with the {@code english} analyzer (their scores
 *       added, the title's weighted); metadata in a {@code flat_object} field for filters; highlights from
 *       OpenSearch's highlighter.
 *   <li>Vectors ({@link VectorSearch}): with the k-NN plugin, a {@code knn_vector} field searched by HNSW
 *       with the filters inside the graph search; without it, kept in the chunk's source and scored exactly
 *       by a Painless {@code script_score} (cosine), which reads every matching chunk and so suits small
 *       indexes or filtered subsets. See {@code docs/scale-out.md}.
 *   <li>Writes go in bulk requests of at most {@code bulkSize} operations, one at a time (back-pressure);
 *       operations the cluster rejects as overloaded (429) are retried with backoff.
 *   <li>Acknowledged writes are durable (translog); {@link #commit()} refreshes, which makes them visible.
 * </ul>
 */
public final class OpenSearchIndex implements SearchIndex {

    /** How vectors are searched. */
    public enum VectorSearch {
        /**
         * Approximate (HNSW) when every node of the cluster has the k-NN plugin, exact otherwise; for an
         * existing index, as it was created.
         */
        AUTO,
        /**
         * A {@code knn_vector} field searched by HNSW on the Lucene engine (cosine), with metadata filters
         * applied inside the graph search; needs the k-NN plugin on every node.
         */
        APPROXIMATE,
        /** Every chunk that passes the filters scored by an exact cosine in Painless; needs no plugin. */
        EXACT
    }

    static final String FORMAT_VERSION = "2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = """
            def v = params._source.vector;
            if (v == null) { return 0; }
            double dot = 0; double norm = 0;
            for (int i = 0; i < v.size(); i++) { double x = v.get(i); dot += x * params.q[i]; norm += x * x; }
            return norm == 0 ? 0 : 1 + dot / Math.sqrt(norm);
            """;

    private final OpenSearchClient client;
    private final String index;
    private final EmbeddingModel embeddingModel;
    private final String queryPrefix;
    private final Chunker chunker;
    private final int bulkSize;
    private boolean titles;
    private VectorSearch vectorSearch;
    private final float titleWeight;
    private final int efSearch;

    private OpenSearchIndex(Builder builder) {
        this.client = builder.client;
        this.index = builder.index;
        this.embeddingModel = builder.embeddingModel;
        this.queryPrefix = builder.queryPrefix;
        this.chunker = builder.chunker;
        this.bulkSize = builder.bulkSize;
        this.titleWeight = builder.titleWeight;
        this.efSearch = builder.efSearch;
    }

    /** An index named {@code index} on the cluster {@code client} talks to. */
    public static Builder builder(OpenSearchClient client, String index) {
        return new Builder(client, index);
    }

    @Override
    public boolean supportsVectors() {
        return embeddingModel != null;
    }

    /** How this index searches vectors: {@link VectorSearch#APPROXIMATE} or {@link VectorSearch#EXACT}. */
    public VectorSearch vectorSearch() {
        return vectorSearch;
    }

    @Override
    public int upsertAll(List<Document> documents) {
        List<List<Chunk>> chunked = new ArrayList<>();
        List<String> embeddingTexts = new ArrayList<>();
        for (Document document : documents) {
            if (document.text().isBlank()) {
                throw new IllegalArgumentException(
                        "document " + document.id() + " has no text; nothing to index (nothing was written)");
            }
            List<Chunk> chunks = chunker.chunk(document);
            chunked.add(chunks);
            chunks.forEach(chunk -> embeddingTexts.add(Embeddings.chunkText(document, chunk, titles)));
        }
        List<Embedding> vectors = embed(embeddingTexts);
        Map<String, Integer> previous =
                chunkCounts(documents.stream().map(Document::id).toList());
        List<ObjectNode> operations = new ArrayList<>();
        int next = 0;
        for (int d = 0; d < documents.size(); d++) {
            Document document = documents.get(d);
            List<Chunk> chunks = chunked.get(d);
            for (Chunk chunk : chunks) {
                ObjectNode source = chunkSource(document, chunk);
                if (vectors != null) {
                    ArrayNode vector = source.putArray("vector");
                    for (float x : vectors.get(next).vector()) {
                        vector.add(x);
                    }
                }
                next++;
                operations.add(indexOperation(chunkId(document.id(), chunk.ordinal()), source));
            }
            for (int ordinal = chunks.size(); ordinal < previous.getOrDefault(document.id(), 0); ordinal++) {
                operations.add(deleteOperation(chunkId(document.id(), ordinal)));
            }
            operations.add(indexOperation(documentId(document.id()), documentSource(document, chunks.size())));
        }
        bulk(operations);
        return embeddingTexts.size();
    }

    @Override
    public void delete(String documentId) {
        int chunks = chunkCounts(List.of(documentId)).getOrDefault(documentId, -1);
        if (chunks < 0) {
            return;
        }
        List<ObjectNode> operations = new ArrayList<>();
        for (int ordinal = 0; ordinal < chunks; ordinal++) {
            operations.add(deleteOperation(chunkId(documentId, ordinal)));
        }
        operations.add(deleteOperation(documentId(documentId)));
        bulk(operations);
    }

    @Override
    public void commit() {
        call("POST", "/" + index + "/_refresh", null);
    }

    @Override
    public List<Hit> search(SearchRequest request) {
        if (request.mode() != SearchMode.BM25 && embeddingModel == null) {
            throw new IllegalArgumentException(request.mode() + " search needs an embedding model, and index " + index
                    + " was opened without one; use BM25 or configure an embedding model");
        }
        return switch (request.mode()) {
            case BM25 -> lexical(request, request.k());
            case VECTOR -> dense(request, request.k());
            case HYBRID -> hybrid(request);
        };
    }

    @Override
    public Optional<Document> document(String documentId) {
        return get(documentId(documentId))
                .map(source -> new Document(
                        documentId,
                        source.path("doc_text").asText(),
                        source.path("title").asText(null),
                        source.path("source").asText(null),
                        metadata(source)));
    }

    @Override
    public Optional<Chunk> chunk(String documentId, int ordinal) {
        return get(chunkId(documentId, ordinal))
                .map(source -> new Chunk(
                        documentId,
                        ordinal,
                        source.path("start").asInt(),
                        source.path("end").asInt(),
                        source.path("text").asText()));
    }

    /** Nothing to release: the client belongs to the caller, who closes its transport. */
    @Override
    public void close() {}

    private List<Hit> hybrid(SearchRequest request) {
        int depth = Math.max(request.k(), request.fusion().depth());
        List<Hit> lexical = lexical(request, depth);
        List<Hit> dense = dense(request, depth);
        Map<String, Hit> byId = new HashMap<>();
        dense.forEach(hit -> byId.put(chunkId(hit.documentId(), hit.chunkOrdinal()), hit));
        lexical.forEach(hit -> byId.put(chunkId(hit.documentId(), hit.chunkOrdinal()), hit)); // keeps highlights
        List<ReciprocalRankFusion.Scored<String>> lexicalIds = lexical.stream()
                .map(h -> new ReciprocalRankFusion.Scored<>(chunkId(h.documentId(), h.chunkOrdinal()), h.score()))
                .toList();
        List<ReciprocalRankFusion.Scored<String>> denseIds = dense.stream()
                .map(h -> new ReciprocalRankFusion.Scored<>(chunkId(h.documentId(), h.chunkOrdinal()), h.score()))
                .toList();
        return ReciprocalRankFusion.fuseScored(lexicalIds, denseIds, request.fusion(), request.k()).stream()
                .map(fused -> byId.get(fused.item()).withScore(fused.score()))
                .toList();
    }

    private List<Hit> lexical(SearchRequest request, int size) {
        ObjectNode body = JSON.createObjectNode().put("size", size);
        ObjectNode bool = body.putObject("query").putObject("bool");
        ObjectNode must = bool.putArray("must").addObject();
        String weightedTitle = "title^" + titleWeight;
        if (request.querySyntax()) {
            ObjectNode queryString = must.putObject("query_string").put("query", request.query());
            ArrayNode fields = queryString.putArray("fields").add("text");
            if (titles && titleWeight > 0) {
                fields.add(weightedTitle);
            }
        } else if (titles && titleWeight > 0) {
            // the fields' scores add up, as LuceneIndex does
            must.putObject("multi_match")
                    .put("query", request.query())
                    .put("type", "most_fields")
                    .putArray("fields")
                    .add("text")
                    .add(weightedTitle);
        } else {
            must.putObject("match").putObject("text").put("query", request.query());
        }
        filters(bool, request.filters());
        ObjectNode highlight = body.putObject("highlight");
        highlight.putArray("pre_tags").add("<b>");
        highlight.putArray("post_tags").add("</b>");
        highlight.putObject("fields").putObject("text").put("number_of_fragments", 2);
        return hits(search(body, request.querySyntax()));
    }

    private List<Hit> dense(SearchRequest request, int size) {
        float[] query = normalised(
                embeddingModel.embed(queryPrefix + request.query()).content().vector());
        ObjectNode body = JSON.createObjectNode().put("size", size);
        if (vectorSearch == VectorSearch.APPROXIMATE) {
            ObjectNode knn = body.putObject("query").putObject("knn").putObject("vector");
            ArrayNode vector = knn.putArray("vector");
            for (float x : query) {
                vector.add(x);
            }
            knn.put("k", size);
            knn.putObject("method_parameters").put("ef_search", Math.max(size, efSearch));
            // inside the k-NN query, so the graph search itself skips chunks the filters exclude
            filters(knn.putObject("filter").putObject("bool"), request.filters());
            body.putObject("_source").putArray("excludes").add("vector");
            return hits(search(body, false));
        }
        ObjectNode scriptScore = body.putObject("query").putObject("script_score");
        filters(scriptScore.putObject("query").putObject("bool"), request.filters());
        ObjectNode script = scriptScore.putObject("script").put("source", SCRIPT);
        ArrayNode q = script.putObject("params").putArray("q");
        for (float x : query) {
            q.add(x);
        }
        body.putObject("_source").putArray("excludes").add("vector");
        return hits(search(body, false));
    }

    private static void filters(ObjectNode bool, List<MetadataFilter> filters) {
        ArrayNode filter = bool.putArray("filter");
        filter.addObject().putObject("term").put("kind", "chunk");
        for (MetadataFilter metadataFilter : filters) {
            ArrayNode values = filter.addObject().putObject("terms").putArray("meta." + metadataFilter.key());
            metadataFilter.values().forEach(values::add);
        }
    }

    private JsonNode search(ObjectNode body, boolean userSyntax) {
        try (Response response = execute("POST", "/" + index + "/_search", body)) {
            JsonNode json = json(response);
            if (response.getStatus() == 400 && userSyntax) {
                throw new IllegalArgumentException("invalid query syntax: " + reason(json));
            }
            requireSuccess(response.getStatus(), json, "search");
            return json;
        } catch (IOException e) {
            throw new IndexException("search on " + index + " failed: " + e.getMessage(), e);
        }
    }

    private static List<Hit> hits(JsonNode response) {
        List<Hit> hits = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            JsonNode source = hit.path("_source");
            String text = source.path("text").asText();
            List<String> fragments = new ArrayList<>();
            hit.path("highlight").path("text").forEach(f -> fragments.add(f.asText()));
            hits.add(new Hit(
                    source.path("doc_id").asText(),
                    source.path("ordinal").asInt(),
                    source.path("start").asInt(),
                    source.path("end").asInt(),
                    hit.path("_score").asDouble(),
                    source.path("title").asText(null),
                    source.path("source").asText(null),
                    text,
                    fragments.isEmpty() ? Hit.fallbackSnippet(text) : String.join(" ... ", fragments),
                    metadata(source)));
        }
        return hits;
    }

    private List<Embedding> embed(List<String> texts) {
        if (embeddingModel == null || texts.isEmpty()) {
            return null;
        }
        List<Embedding> vectors = embeddingModel
                .embedAll(texts.stream().map(TextSegment::from).toList())
                .content();
        if (vectors.size() != texts.size()) {
            throw new IndexException(
                    "embedding model returned " + vectors.size() + " vectors for " + texts.size() + " chunks");
        }
        return vectors;
    }

    private Map<String, Integer> chunkCounts(List<String> documentIds) {
        Map<String, Integer> counts = new HashMap<>();
        if (documentIds.isEmpty()) {
            return counts;
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ids = body.putArray("ids");
        documentIds.forEach(id -> ids.add(documentId(id)));
        JsonNode response = call("POST", "/" + index + "/_mget", body);
        for (JsonNode doc : response.path("docs")) {
            if (doc.path("found").asBoolean()) {
                JsonNode source = doc.path("_source");
                counts.put(
                        source.path("doc_id").asText(),
                        source.path("chunk_count").asInt());
            }
        }
        return counts;
    }

    private Optional<JsonNode> get(String id) {
        try (Response response = execute("GET", "/" + index + "/_doc/" + encode(id), null)) {
            JsonNode json = json(response);
            if (response.getStatus() == 404) {
                return Optional.empty();
            }
            requireSuccess(response.getStatus(), json, "get " + id);
            return Optional.of(json.path("_source"));
        } catch (IOException e) {
            throw new IndexException("reading " + id + " from " + index + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends the operations in bulk requests of at most {@code bulkSize}, retrying what was rejected as overload. */
    private void bulk(List<ObjectNode> operations) {
        for (int from = 0; from < operations.size(); from += bulkSize) {
            List<ObjectNode> batch = operations.subList(from, Math.min(operations.size(), from + bulkSize));
            for (int attempt = 1; !batch.isEmpty(); attempt++) {
                JsonNode response = call("POST", "/" + index + "/_bulk", ndjson(batch));
                List<ObjectNode> rejected = new ArrayList<>();
                int position = 0;
                for (JsonNode item : response.path("items")) {
                    JsonNode result = item.elements().next();
                    int status = result.path("status").asInt();
                    if (status == 429) {
                        rejected.add(batch.get(position));
                    } else if (status >= 300 && !(status == 404 && item.has("delete"))) {
                        throw new IndexException("bulk write to " + index + " failed for "
                                + result.path("_id").asText() + ": "
                                + result.path("error").path("reason").asText());
                    }
                    position++;
                }
                if (!rejected.isEmpty() && attempt >= 6) {
                    throw new IndexException("the cluster kept rejecting " + rejected.size() + " writes as overloaded"
                            + " (429) after " + attempt + " attempts; slow down or add capacity");
                }
                batch = rejected;
                if (!batch.isEmpty()) {
                    sleepBeforeRetry(attempt);
                }
            }
        }
    }

    private static void sleepBeforeRetry(int attempt) {
        try {
            Thread.sleep(Math.min(5_000, 100L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexException("interrupted while backing off a rejected bulk write", e);
        }
    }

    private static String ndjson(List<ObjectNode> operations) {
        StringBuilder body = new StringBuilder();
        for (ObjectNode operation : operations) {
            body.append(operation.get("action")).append('\n');
            if (operation.has("source")) {
                body.append(operation.get("source")).append('\n');
            }
        }
        return body.toString();
    }

    private static ObjectNode indexOperation(String id, ObjectNode source) {
        ObjectNode operation = JSON.createObjectNode();
        operation.putObject("action").putObject("index").put("_id", id);
        operation.set("source", source);
        return operation;
    }

    private static ObjectNode deleteOperation(String id) {
        ObjectNode operation = JSON.createObjectNode();
        operation.putObject("action").putObject("delete").put("_id", id);
        return operation;
    }

    private static ObjectNode chunkSource(Document document, Chunk chunk) {
        ObjectNode source = JSON.createObjectNode()
                .put("kind", "chunk")
                .put("doc_id", document.id())
                .put("ordinal", chunk.ordinal())
                .put("start", chunk.startOffset())
                .put("end", chunk.endOffset())
                .put("text", chunk.text());
        common(source, document);
        return source;
    }

    private static ObjectNode documentSource(Document document, int chunks) {
        ObjectNode source = JSON.createObjectNode()
                .put("kind", "document")
                .put("doc_id", document.id())
                .put("chunk_count", chunks)
                .put("doc_text", document.text());
        common(source, document);
        return source;
    }

    private static void common(ObjectNode source, Document document) {
        if (document.title() != null) {
            source.put("title", document.title());
        }
        if (document.sourceUri() != null) {
            source.put("source", document.sourceUri());
        }
        ObjectNode meta = source.putObject("meta");
        document.metadata().forEach(meta::put);
    }

    private static Map<String, String> metadata(JsonNode source) {
        Map<String, String> metadata = new LinkedHashMap<>();
        source.path("meta")
                .fields()
                .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return metadata;
    }

    private static float[] normalised(float[] vector) {
        double norm = 0;
        for (float x : vector) {
            norm += x * x;
        }
        float[] unit = vector.clone();
        if (norm > 0) {
            for (int i = 0; i < unit.length; i++) {
                unit[i] = (float) (unit[i] / Math.sqrt(norm));
            }
        }
        return unit;
    }

    static String chunkId(String documentId, int ordinal) {
        return documentId + "#" + ordinal;
    }

    static String documentId(String documentId) {
        return "doc:" + documentId;
    }

    private static String encode(String id) {
        return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** Sends a request and returns its JSON body; any status of 300 or more is an {@link IndexException}. */
    private JsonNode call(String method, String endpoint, Object body) {
        try (Response response = execute(method, endpoint, body)) {
            JsonNode json = json(response);
            requireSuccess(response.getStatus(), json, method + " " + endpoint);
            return json;
        } catch (IOException e) {
            throw new IndexException(method + " " + endpoint + " failed: " + e.getMessage(), e);
        }
    }

    private Response execute(String method, String endpoint, Object body) throws IOException {
        var request = Requests.builder().method(method).endpoint(endpoint);
        if (body instanceof String ndjson) {
            request.body(Body.from(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/x-ndjson"));
        } else if (body != null) {
            request.json(body.toString());
        }
        return client.generic().execute(request.build());
    }

    private static JsonNode json(Response response) throws IOException {
        Optional<Body> body = response.getBody();
        return body.isPresent() ? JSON.readTree(body.get().bodyAsString()) : JSON.createObjectNode();
    }

    private static void requireSuccess(int status, JsonNode json, String what) {
        if (status >= 300) {
            throw new IndexException(what + " failed with HTTP " + status + ": " + reason(json));
        }
    }

    private static String reason(JsonNode json) {
        JsonNode error = json.path("error");
        JsonNode root = error.path("root_cause").path(0);
        return root.isMissingNode() ? error.toString() : root.path("reason").asText(error.toString());
    }

    /** Configures an {@link OpenSearchIndex}; {@link #open()} creates the index if it does not exist. */
    public static final class Builder {
        private final OpenSearchClient client;
        private final String index;
        private EmbeddingModel embeddingModel;
        private String queryPrefix = "";
        private Chunker chunker = Chunker.defaults();
        private int shards = 1;
        private int replicas = 1;
        private int bulkSize = 500;
        private Boolean titles;
        private float titleWeight = 1f;
        private VectorSearch vectorSearch = VectorSearch.AUTO;
        private int efSearch = 100;

        private Builder(OpenSearchClient client, String index) {
            this.client = Objects.requireNonNull(client, "client");
            if (index == null || !index.matches("[a-z0-9][a-z0-9_.-]*")) {
                throw new IllegalArgumentException(
                        "index name must be lowercase letters, digits, '_', '.' or '-', was " + index);
            }
            this.index = index;
        }

        /** Embed chunks with this model and enable vector and hybrid search. Without one, the index is BM25-only. */
        public Builder embeddingModel(EmbeddingModel embeddingModel) {
            this.embeddingModel = Objects.requireNonNull(embeddingModel, "embeddingModel");
            return this;
        }

        /** The in-process BGE small model with its query instruction, as {@code LuceneIndex} uses by default. */
        public Builder defaultEmbeddingModel() {
            this.embeddingModel = Embeddings.bgeSmallEnglish();
            this.queryPrefix = Embeddings.BGE_QUERY_INSTRUCTION;
            return this;
        }

        /** Text put before every query before it is embedded (the instruction some models expect). */
        public Builder queryPrefix(String queryPrefix) {
            this.queryPrefix = Objects.requireNonNull(queryPrefix, "queryPrefix");
            return this;
        }

        /** How documents are cut into chunks; the default is {@link dev.quarry.index.Chunker#defaults()}. */
        public Builder chunker(Chunker chunker) {
            this.chunker = Objects.requireNonNull(chunker, "chunker");
            return this;
        }

        /** Primary shards and replicas of a new index (defaults 1 and 1). */
        public Builder shards(int shards, int replicas) {
            if (shards < 1 || replicas < 0) {
                throw new IllegalArgumentException("need at least one shard and no negative replicas");
            }
            this.shards = shards;
            this.replicas = replicas;
            return this;
        }

        /** Most operations per bulk request (default 500). */
        public Builder bulkSize(int bulkSize) {
            if (bulkSize < 1) {
                throw new IllegalArgumentException("bulkSize must be at least 1");
            }
            this.bulkSize = bulkSize;
            return this;
        }

        /**
         * Whether document titles are searched beside the chunk text and embedded with each chunk; default
         * on for a new index. Part of the index, as in {@code LuceneIndex}: an existing index is used as
         * built, and asking for the other setting is refused.
         */
        public Builder titles(boolean titles) {
            this.titles = titles;
            return this;
        }

        /** The weight of a title match against a text match (their BM25 scores add up); default 1. */
        public Builder titleWeight(float titleWeight) {
            if (!(titleWeight >= 0) || Float.isInfinite(titleWeight)) {
                throw new IllegalArgumentException("titleWeight must be a finite number >= 0, was " + titleWeight);
            }
            this.titleWeight = titleWeight;
            return this;
        }

        /**
         * How vectors are searched (default {@link VectorSearch#AUTO}). Part of the index's mapping: asking an
         * existing index for the other mode is refused with {@link IncompatibleIndexException}, and
         * {@link VectorSearch#APPROXIMATE} on a cluster without the k-NN plugin with {@link IndexException}.
         */
        public Builder vectorSearch(VectorSearch vectorSearch) {
            this.vectorSearch = Objects.requireNonNull(vectorSearch, "vectorSearch");
            return this;
        }

        /**
         * The candidate list of an approximate search: at least this many (default 100), and at least the
         * hits asked for. Higher finds more of the exact neighbours and costs time.
         */
        public Builder efSearch(int efSearch) {
            if (efSearch < 1) {
                throw new IllegalArgumentException("efSearch must be at least 1, was " + efSearch);
            }
            this.efSearch = efSearch;
            return this;
        }

        /**
         * Opens the index, creating it with Quarry's mapping when absent.
         *
         * @throws IncompatibleIndexException the index exists with another format or embedding dimension
         */
        public OpenSearchIndex open() {
            OpenSearchIndex opened = new OpenSearchIndex(this);
            int dimension = embeddingModel == null ? 0 : embeddingModel.dimension();
            try (Response exists = opened.execute("HEAD", "/" + index, null)) {
                if (exists.getStatus() == 404) {
                    opened.titles = titles == null || titles;
                    opened.vectorSearch = newIndexVectorSearch(opened);
                    opened.call(
                            "PUT",
                            "/" + index,
                            Mapping.create(
                                    shards,
                                    replicas,
                                    dimension,
                                    FORMAT_VERSION,
                                    opened.titles,
                                    opened.vectorSearch == VectorSearch.APPROXIMATE));
                } else {
                    JsonNode mapping =
                            opened.call("GET", "/" + index + "/_mapping", null).path(index);
                    opened.titles = Mapping.check(mapping, index, dimension, titles);
                    opened.vectorSearch = Mapping.approximate(mapping) ? VectorSearch.APPROXIMATE : VectorSearch.EXACT;
                    if (vectorSearch != VectorSearch.AUTO && vectorSearch != opened.vectorSearch) {
                        throw new IncompatibleIndexException("OpenSearch index " + index + " was created for "
                                + opened.vectorSearch + " vector search, but this index is configured with "
                                + vectorSearch + "; leave vectorSearch at AUTO to use the index as created, or"
                                + " reindex into a new index");
                    }
                    if (opened.vectorSearch == VectorSearch.APPROXIMATE && !opened.clusterHasKnn()) {
                        throw new IndexException("OpenSearch index " + index + " searches vectors with the k-NN"
                                + " plugin, which not every node of this cluster has; install opensearch-knn on"
                                + " every node");
                    }
                }
            } catch (IOException e) {
                throw new IndexException("cannot reach OpenSearch to open " + index + ": " + e.getMessage(), e);
            }
            return opened;
        }

        private VectorSearch newIndexVectorSearch(OpenSearchIndex opened) {
            if (embeddingModel == null || vectorSearch == VectorSearch.EXACT) {
                return VectorSearch.EXACT;
            }
            boolean knn = opened.clusterHasKnn();
            if (vectorSearch == VectorSearch.APPROXIMATE && !knn) {
                throw new IndexException("approximate vector search needs the k-NN plugin (opensearch-knn) on every"
                        + " node, and this cluster lacks it; install it, or use VectorSearch.EXACT");
            }
            return knn ? VectorSearch.APPROXIMATE : VectorSearch.EXACT;
        }
    }

    /** Whether every node of the cluster has the k-NN plugin. */
    private boolean clusterHasKnn() {
        JsonNode nodes = call("GET", "/_nodes/plugins", null).path("nodes");
        if (nodes.isEmpty()) {
            return false;
        }
        for (JsonNode node : nodes) {
            boolean found = false;
            for (JsonNode plugin : node.path("plugins")) {
                found |= "opensearch-knn".equals(plugin.path("name").asText());
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
