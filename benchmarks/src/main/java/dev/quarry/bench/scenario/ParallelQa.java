package dev.quarry.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ParallelQA workload (LLMCompiler, Kim et al. 2024): questions that each need {@code branch}
 * independent fact look-ups plus arithmetic.
 */
public final class ParallelQa {

    /** Where the data lives, relative to the project root (never copied into the project). */
    public static final Path DEFAULT_PATH = Path.of("..", "shared", "data", "parallelqa", "parallelqa_dataset.json");

    private ParallelQa() {}

    /**
     * One question.
     *
     * @param id the dataset id
     * @param question the question text, sent to the model as the task
     * @param answer the gold answer
     * @param branch how many independent look-ups it needs (2 to 5)
     */
    public record Task(String id, String question, String answer, int branch) {
        public Task {
            if (branch < 1) {
                throw new IllegalArgumentException("task " + id + ": branch must be at least 1, was " + branch);
            }
        }
    }

    /** Reads the dataset file: a JSON array of objects with id, question, answer and branch. */
    public static List<Task> load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("ParallelQA data not found at " + file.toAbsolutePath()
                    + "; run from the project root with ../shared/data present, or pass --data <file>");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (!root.isArray()) {
            throw new IOException(file + " is not a JSON array of tasks");
        }
        List<Task> tasks = new ArrayList<>();
        for (JsonNode node : root) {
            tasks.add(new Task(
                    node.path("id").asText(),
                    node.path("question").asText(),
                    node.path("answer").asText(),
                    node.path("branch").asInt()));
        }
        return List.copyOf(tasks);
    }
}
