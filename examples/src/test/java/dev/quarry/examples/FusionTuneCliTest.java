package dev.quarry.examples;

import static dev.quarry.examples.QuarryCliTest.quarry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.index.FusionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarry eval --tune}: a fusion chosen on the user's judgments, written to a file the index reads. */
class FusionTuneCliTest {

    static final String[] TOPICS = {
        "turbine blades", "swept wings", "rocket nozzles", "landing gear", "jet fuel", "cabin pressure",
        "radar altimeters", "propeller pitch", "wing flutter", "heat shields", "autopilot modes", "de-icing boots",
        "fuel pumps", "tail rotors", "air brakes", "flap settings", "engine mounts", "compressor stalls",
        "pitot tubes", "rudder pedals", "weather radar", "oxygen masks", "seat belts", "cargo doors"
    };

    @TempDir
    Path dir;

    @Test
    void tuningWritesAFusionConfigThatTheIndexThenUses() throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs"));
        StringBuilder queries = new StringBuilder();
        StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
        for (int i = 0; i < TOPICS.length; i++) {
            Files.writeString(
                    docs.resolve("note-" + i + ".md"),
                    "# " + TOPICS[i] + "\n\nHow " + TOPICS[i]
                            + " are inspected, what wears out, and when they are replaced on an aircraft.");
            queries.append("{\"_id\": \"q")
                    .append(i)
                    .append("\", \"text\": \"when are ")
                    .append(TOPICS[i])
                    .append(" replaced\"}\n");
            qrels.append('q').append(i).append("\tnote-").append(i).append(".md\t1\n");
        }
        Path index = dir.resolve("index");
        assertThat(quarry("index", docs.toString(), "--index", index.toString()).exit())
                .isZero();
        Path queryFile = Files.writeString(dir.resolve("queries.jsonl"), queries);
        Path qrelFile = Files.writeString(dir.resolve("qrels.tsv"), qrels);
        Path config = dir.resolve("fusion.json");

        QuarryCliTest.Run tuned = quarry(
                "eval",
                "--tune",
                "--queries",
                queryFile.toString(),
                "--qrels",
                qrelFile.toString(),
                "--index",
                index.toString(),
                "--folds",
                "4",
                "--write-fusion-config",
                config.toString());

        assertThat(tuned.exit()).as(tuned.out() + tuned.err()).isZero();
        assertThat(tuned.out())
                .contains("Fusion tuned on 24 judged queries, nDCG@10 with k = 10 hits, 4-fold nested cross-validation")
                .contains("fusion config written to " + config);
        FusionConfig written = FusionConfig.read(config);
        assertThat(written.evidence()).contains("held-out nDCG@10");
        QuarryCliTest.Run search = quarry(
                "search",
                "when are fuel pumps replaced",
                "--index",
                index.toString(),
                "--fusion-config",
                config.toString(),
                "--mode",
                "hybrid");
        assertThat(search.exit()).as(search.err()).isZero();
        assertThat(search.out()).contains("note-12.md");

        Path bm25Index = dir.resolve("bm25-index");
        assertThat(quarry("index", docs.toString(), "--index", bm25Index.toString(), "--bm25-only")
                        .exit())
                .isZero();
        QuarryCliTest.Run bm25 = quarry(
                "search",
                "fuel pumps",
                "--index",
                bm25Index.toString(),
                "--bm25-only",
                "--fusion-config",
                config.toString());
        assertThat(bm25.exit()).isNotZero();
        assertThat(bm25.err()).contains("the fusion config was tuned on an index");

        Path few = Files.writeString(dir.resolve("few.tsv"), "q0\tnote-0.md\t1\nq1\tnote-1.md\t1\n");
        QuarryCliTest.Run refused = quarry(
                "eval",
                "--tune",
                "--queries",
                queryFile.toString(),
                "--qrels",
                few.toString(),
                "--index",
                index.toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("tuning needs at least 20 judged queries and got 2");
    }
}
