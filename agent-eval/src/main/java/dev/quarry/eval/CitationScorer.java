package dev.quarry.eval;

import dev.quarry.agent.AgentResult;
import dev.quarry.agent.guard.CitationCheck;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Citations: {@code citation_precision} and {@code citation_recall} of the documents the answer cites
 * against the case's expected documents (when it names any), and the check {@code citations_supported} (when
 * the answer cites anything): every passage the answer cites ({@code doc#chunk[start-end]}) was retrieved by
 * a successful step of the run, and where the answer quotes text ("...") before a citation, that passage
 * contains it.
 */
public final class CitationScorer implements Scorer {

    private static final Pattern BRACKETED_LABEL = Pattern.compile("\\[" + CitationCheck.LABEL_REGEX + "]");

    private static final Pattern QUOTE = Pattern.compile("\"([^\"]{8,})\"|“([^”]{8,})”");

    @Override
    public String name() {
        return "citations";
    }

    @Override
    public List<Metric> score(EvalCase evalCase, CaseRun run) {
        if (run.result().isEmpty()) {
            return List.of();
        }
        AgentResult result = run.result().get();
        String answer = run.answer();
        List<Metric> metrics = new ArrayList<>();
        Set<String> cited = citedDocuments(result, answer);
        if (!evalCase.citations().isEmpty()) {
            long hits = cited.stream().filter(evalCase.citations()::contains).count();
            metrics.add(new Metric(
                    "citation_precision",
                    cited.isEmpty() ? 0 : hits / (double) cited.size(),
                    Metric.Verdict.INFO,
                    "cited " + cited + ", expected " + evalCase.citations()));
            metrics.add(new Metric(
                    "citation_recall", hits / (double) evalCase.citations().size(), Metric.Verdict.INFO, ""));
        }
        Set<String> labels = CitationCheck.cited(answer);
        if (!labels.isEmpty()) {
            List<String> unsupported = new ArrayList<>();
            for (String label : labels) {
                String passage = passage(result, label);
                if (passage == null) {
                    unsupported.add(label + " (not retrieved in the run)");
                    continue;
                }
                String quote = quoteBefore(answer, label);
                if (quote != null && !normalise(passage).contains(normalise(quote))) {
                    unsupported.add(label + " (does not contain \"" + Reports.abbreviate(quote, 80) + "\")");
                }
            }
            metrics.add(Metric.check(
                    "citations_supported",
                    unsupported.isEmpty(),
                    unsupported.isEmpty()
                            ? labels.size() + " cited passages, all retrieved"
                            : "unsupported: " + unsupported));
        }
        return metrics;
    }

    /** The documents the answer cites: by a citation's label or its document id. */
    private static Set<String> citedDocuments(AgentResult result, String answer) {
        Set<String> documents = new LinkedHashSet<>();
        for (String label : CitationCheck.cited(answer)) {
            documents.add(label.substring(0, label.indexOf('#')));
        }
        for (Citation citation : result.citations()) {
            if (answer.contains(citation.documentId())) {
                documents.add(citation.documentId());
            }
        }
        return documents;
    }

    /** The text a successful step gave for {@code label}: what follows "[label]" up to the next citation. */
    private static String passage(AgentResult result, String label) {
        for (StepResult step : result.steps()) {
            if (!step.status().succeeded()) {
                continue;
            }
            boolean retrieved =
                    step.citations().stream().anyMatch(c -> c.label().equals(label));
            int at = step.text().indexOf(label);
            if (at >= 0) {
                int start = at + label.length();
                Matcher next = BRACKETED_LABEL.matcher(step.text());
                int end = next.find(start) ? next.start() : step.text().length();
                return step.text().substring(start, end);
            }
            if (retrieved) {
                return step.text();
            }
        }
        return null;
    }

    /** Text the answer quotes in the stretch before the citation, if any. */
    private static String quoteBefore(String answer, String label) {
        int at = answer.indexOf(label);
        int from = Math.max(0, answer.lastIndexOf(']', Math.max(0, at - 2)) + 1);
        Matcher quote = QUOTE.matcher(answer.substring(from, at));
        String found = null;
        while (quote.find()) {
            found = quote.group(1) != null ? quote.group(1) : quote.group(2);
        }
        return found;
    }

    private static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }
}
