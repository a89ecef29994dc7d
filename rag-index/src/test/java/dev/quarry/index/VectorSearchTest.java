package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.query.Query;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dense and hybrid search with the real in-process BGE model. */
class VectorSearchTest {

    static final List<Document> CORPUS = List.of(
            new Document(
                    "cars",
                    "Automobiles need fuel and regular engine maintenance to run well.",
                    "Cars",
                    "",
                    Map.of("topic", "vehicles")),
            new Document(
                    "cats",
                    "Felines are independent pets that sleep most of the day.",
                    "Cats",
                    "",
                    Map.of("topic", "animals")),
            new Document(
                    "bread",
                    "Sourdough loaves rise slowly thanks to wild yeast.",
                    "Bread",
                    "",
                    Map.of("topic", "food")),
            new Document(
                    "boats",
                    "Sailing vessels are driven across the water by the wind.",
                    "Boats",
                    "",
                    Map.of("topic", "vehicles")));

    @TempDir
    static Path dir;

    static LuceneIndex index;

    @BeforeAll
    static void build() {
        index = LuceneIndex.builder().path(dir).defaultEmbeddingModel().open();
        index.upsertAll(CORPUS);
        index.commit();
    }

    @org.junit.jupiter.api.AfterAll
    static void close() {
        index.close();
    }

    @Test
    void vectorSearchFindsMeaningWithoutSharedWords() {
        List<Hit> hits = index.search(SearchRequest.builder("oil change for my vehicle")
                .mode(SearchMode.VECTOR)
                .k(1)
                .build());
        assertThat(hits).extracting(Hit::documentId).containsExactly("cars");
        assertThat(index.search(SearchRequest.of("oil change for my vehicle"))).isEmpty();
    }

    @Test
    void hybridCombinesBothRankingsAndHonoursFilters() {
        List<Hit> hybrid = index.search(SearchRequest.builder("kitten naps")
                .mode(SearchMode.HYBRID)
                .k(2)
                .build());
        assertThat(hybrid.getFirst().documentId()).isEqualTo("cats");
        assertThat(hybrid.getFirst().score()).isGreaterThan(hybrid.get(1).score());

        List<Hit> filtered = index.search(SearchRequest.builder("kitten naps")
                .mode(SearchMode.HYBRID)
                .filter("topic", "vehicles")
                .build());
        assertThat(filtered).extracting(Hit::documentId).containsOnly("cars", "boats");
    }

    @Test
    void reopeningWithAnotherEmbeddingDimensionIsRefused() {
        Path other = dir.resolve("other");
        try (LuceneIndex withVectors =
                LuceneIndex.builder().path(other).defaultEmbeddingModel().open()) {
            withVectors.upsert(CORPUS.getFirst());
        }
        assertThatThrownBy(() -> LuceneIndex.builder().path(other).open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("embedding dimension 384")
                .hasMessageContaining("configured with dimension 0");
    }

    @Test
    void contentRetrieverAdaptsHitsForLangchain4j() {
        List<Content> contents = LuceneContentRetriever.of(index).retrieve(Query.from("wild yeast bread"));
        assertThat(contents).isNotEmpty();
        Content first = contents.getFirst();
        assertThat(first.textSegment().text()).contains("Sourdough");
        assertThat(first.textSegment().metadata().getString("document_id")).isEqualTo("bread");
        assertThat(first.textSegment().metadata().getInteger("start")).isZero();
        assertThat(first.textSegment().metadata().getString("topic")).isEqualTo("food");
    }
}
