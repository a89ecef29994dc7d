package dev.quarry.bench.research;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One task of the "research" shape: a question of k parts, each answered by a sub-agent that makes one or
 * two chained look-ups and then a model turn that reads them; a synthesis turn then answers from the parts.
 *
 * @param question the task as the coordinator reads it
 * @param parts its parts, each a self-contained task for a sub-agent
 */
record ResearchTask(String question, List<Part> parts) {

    private static final Pattern PART = Pattern.compile("Look up (\\S+) in (\\d) hops?");

    /**
     * One part: the entity a sub-agent looks up, and how many chained look-ups it takes (the second looks up
     * what the first returned).
     */
    record Part(String entity, int hops) {
        /** The task a coordinator gives the sub-agent. */
        String task() {
            return "Look up " + entity + " in " + hops + (hops == 1 ? " hop" : " hops");
        }

        /** What the last look-up returns: the fact the answer must hold. */
        String fact() {
            String value = entity;
            for (int i = 0; i < hops; i++) {
                value = ResearchWorld.lookup(value);
            }
            return value;
        }

        /** The part a sub-agent task names. */
        static Part of(String task) {
            Matcher m = PART.matcher(task);
            if (!m.find()) {
                throw new IllegalArgumentException("not a research part: " + task);
            }
            return new Part(m.group(1), Integer.parseInt(m.group(2)));
        }
    }

    /** Every part of a question, in order. */
    static List<Part> partsOf(String question) {
        List<Part> parts = new ArrayList<>();
        Matcher m = PART.matcher(question);
        while (m.find()) {
            parts.add(new Part(m.group(1), Integer.parseInt(m.group(2))));
        }
        return parts;
    }

    /**
     * {@code count} tasks drawn from {@code seed}: k = 3, 4, 5, 6 parts in turn, each part one or two hops
     * (drawn), entity names unique within a task.
     */
    static List<ResearchTask> generate(int count, long seed) {
        Random random = new Random(seed);
        List<ResearchTask> tasks = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            int k = 3 + t % 4;
            List<Part> parts = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                parts.add(new Part("E" + t + "x" + i + "r" + random.nextInt(1000), 1 + random.nextInt(2)));
            }
            String question = "Research each part, then sum up: "
                    + String.join("; ", parts.stream().map(Part::task).toList()) + ".";
            tasks.add(new ResearchTask(question, parts));
        }
        return tasks;
    }

    /** Whether an answer holds the fact of every part. */
    boolean answeredBy(String answer) {
        return answer != null && parts.stream().allMatch(p -> answer.contains(p.fact()));
    }
}
