package dev.quarry.agent.guard;

import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guardrail on answers: every passage the answer cites (as {@code doc#chunk[start-end]}, the form
 * {@link Citation#label()} prints) must have been retrieved by a successful step of this run. An answer
 * citing a passage the run never saw is sent back to the model to correct (by default) or blocks the run.
 */
public final class CitationCheck implements Guardrail {

    /** A citation label as {@link Citation#label()} prints it: {@code doc#chunk[start-end]}. */
    public static final String LABEL_REGEX = "[\\w.:/@-]+#-?\\d+\\[\\d+-\\d+]";

    private static final Pattern LABEL = Pattern.compile(LABEL_REGEX);
    private static final int SHOWN = 10;

    private final boolean block;
    private final boolean requireCitation;

    private CitationCheck(boolean block, boolean requireCitation) {
        this.block = block;
        this.requireCitation = requireCitation;
    }

    /** Asks the model to correct an answer citing a passage the run did not retrieve. */
    public static CitationCheck correcting() {
        return new CitationCheck(false, false);
    }

    /** Blocks the run when its answer cites a passage it did not retrieve. */
    public static CitationCheck blocking() {
        return new CitationCheck(true, false);
    }

    /** The same check, which also refuses an answer citing nothing when the run retrieved passages. */
    public CitationCheck requiringCitation() {
        return new CitationCheck(block, true);
    }

    @Override
    public String name() {
        return "citation-check";
    }

    @Override
    public Set<Stage> stages() {
        return Set.of(Stage.ANSWER);
    }

    @Override
    public Verdict check(Subject subject) {
        Set<String> retrieved = new LinkedHashSet<>();
        for (StepResult step : subject.steps()) {
            if (step.status().succeeded()) {
                step.citations().forEach(c -> retrieved.add(c.label()));
            }
        }
        Set<String> cited = cited(subject.text());
        List<String> unknown =
                cited.stream().filter(label -> !retrieved.contains(label)).toList();
        if (!unknown.isEmpty()) {
            return verdict("the answer cites " + String.join(", ", unknown)
                    + ", which no step of this run retrieved; cite only passages from the tool results"
                    + (retrieved.isEmpty() ? " (none were retrieved)" : ": " + shown(retrieved)));
        }
        if (requireCitation && cited.isEmpty() && !retrieved.isEmpty()) {
            return verdict("the answer cites no passage; cite the passages it rests on: " + shown(retrieved));
        }
        return Verdict.pass();
    }

    /** Every citation label written in {@code text}, in order. */
    public static Set<String> cited(String text) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher matcher = LABEL.matcher(text);
        while (matcher.find()) {
            labels.add(matcher.group());
        }
        return labels;
    }

    private Verdict verdict(String reason) {
        return block ? Verdict.block(reason) : Verdict.correct(reason);
    }

    private static String shown(Set<String> labels) {
        List<String> list = labels.stream().limit(SHOWN).toList();
        return String.join(", ", list) + (labels.size() > SHOWN ? ", ..." : "");
    }
}
