package dev.quarry.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.index.eval.SignFlipTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an evaluation found: every run of every case with its metrics, each case's verdict (passed when every
 * check of every run passed), each metric's mean and spread; as a JSON summary (the next run's baseline), a
 * Markdown report and a self-contained HTML report with a trace page per run. {@link #compare} marks what got
 * worse against a baseline, with a paired sign-flip test per metric.
 */
public final class EvalReport {

    /** Metrics where less is better; for every other metric, more is better. */
    public static final Set<String> LOWER_IS_BETTER =
            Set.of("model_calls", "tokens", "wall_ms", "critical_path_ms", "judge_calls", "judge_tokens");

    /** A scored run. */
    public record Scored(CaseRun run, List<Metric> metrics) {}

    /**
     * One case's runs.
     *
     * @param evalCase the case
     * @param runs its runs, in repeat order
     */
    public record CaseResult(EvalCase evalCase, List<Scored> runs) {
        /** Whether every check of every run passed. */
        public boolean passed() {
            return runs.stream().flatMap(r -> r.metrics().stream()).noneMatch(Metric::failed);
        }

        /** The metric's mean over the runs that have it (NaN when none has). */
        public double mean(String metric) {
            return values(metric).stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
        }

        /** The metric's standard deviation over the runs (0 for one run). */
        public double spread(String metric) {
            List<Double> values = values(metric);
            double mean = mean(metric);
            return values.size() < 2
                    ? 0
                    : Math.sqrt(values.stream()
                                    .mapToDouble(v -> (v - mean) * (v - mean))
                                    .sum()
                            / (values.size() - 1));
        }

        private List<Double> values(String metric) {
            return runs.stream()
                    .flatMap(r -> r.metrics().stream())
                    .filter(m -> m.name().equals(metric) && !Double.isNaN(m.value()))
                    .map(Metric::value)
                    .toList();
        }

        /** The checks that failed, with their details, across runs. */
        public List<String> failures() {
            List<String> failures = new ArrayList<>();
            for (Scored run : runs) {
                for (Metric metric : run.metrics()) {
                    if (metric.failed()) {
                        failures.add((runs.size() > 1 ? "run " + run.run().repeat() + ": " : "") + metric.name() + " "
                                + metric.verdict().name().toLowerCase(Locale.ROOT) + ": " + metric.detail());
                    }
                }
            }
            return failures;
        }
    }

    /**
     * A metric over the whole evaluation.
     *
     * @param metric its name
     * @param mean the mean over the cases that have it (each case's mean over its runs)
     * @param spread the mean over those cases of the spread between their runs
     * @param cases how many cases have it
     */
    public record Summary(String metric, double mean, double spread, int cases) {}

    private final int repeats;
    private final List<CaseResult> cases;

    EvalReport(List<EvalCase> evalCases, int repeats, List<Scored> scored) {
        this.repeats = repeats;
        List<CaseResult> results = new ArrayList<>();
        for (EvalCase evalCase : evalCases) {
            results.add(new CaseResult(
                    evalCase,
                    scored.stream()
                            .filter(s -> s.run().evalCase() == evalCase)
                            .sorted(java.util.Comparator.comparingInt(
                                    s -> s.run().repeat()))
                            .toList()));
        }
        this.cases = List.copyOf(results);
    }

    /** Every case, in dataset order. */
    public List<CaseResult> cases() {
        return cases;
    }

    /** How many runs each case had. */
    public int repeats() {
        return repeats;
    }

    /** Cases whose every check passed. */
    public long passed() {
        return cases.stream().filter(CaseResult::passed).count();
    }

    /** Every metric's summary, in the order metrics first appear. */
    public Map<String, Summary> summary() {
        Set<String> names = new LinkedHashSet<>();
        cases.forEach(c -> c.runs().forEach(r -> r.metrics().forEach(m -> names.add(m.name()))));
        Map<String, Summary> summary = new LinkedHashMap<>();
        for (String name : names) {
            double sum = 0;
            double spread = 0;
            int n = 0;
            for (CaseResult result : cases) {
                double mean = result.mean(name);
                if (!Double.isNaN(mean)) {
                    sum += mean;
                    spread += result.spread(name);
                    n++;
                }
            }
            summary.put(name, new Summary(name, n == 0 ? Double.NaN : sum / n, n == 0 ? 0 : spread / n, n));
        }
        return summary;
    }

    /**
     * A bound on a metric's mean, for gating CI: {@code answer>=0.9}, {@code tokens<=20000}.
     *
     * @param metric the metric
     * @param atLeast whether the mean must be at least {@code value} (else at most)
     * @param value the bound
     */
    public record Threshold(String metric, boolean atLeast, double value) {
        /**
         * Parses {@code metric>=value} or {@code metric<=value}.
         *
         * @throws IllegalArgumentException naming what is wrong
         */
        public static Threshold parse(String text) {
            String[] parts = text.split(">=|<=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("a threshold is metric>=value or metric<=value, was '" + text + "'");
            }
            try {
                return new Threshold(parts[0].strip(), text.contains(">="), Double.parseDouble(parts[1].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the threshold '" + text + "' has no number after the operator");
            }
        }

        @Override
        public String toString() {
            return metric + (atLeast ? ">=" : "<=") + value;
        }
    }

    /** The thresholds missed, each saying by how much; a threshold on a metric no case has is missed too. */
    public List<String> missed(List<Threshold> thresholds) {
        Map<String, Summary> summary = summary();
        List<String> missed = new ArrayList<>();
        for (Threshold threshold : thresholds) {
            Summary s = summary.get(threshold.metric());
            if (s == null || Double.isNaN(s.mean())) {
                missed.add(
                        threshold + ": no case has metric " + threshold.metric() + " (have " + summary.keySet() + ")");
            } else if (threshold.atLeast() ? s.mean() < threshold.value() : s.mean() > threshold.value()) {
                missed.add(String.format(Locale.ROOT, "%s: the mean is %.4f", threshold, s.mean()));
            }
        }
        return missed;
    }

    /**
     * A metric compared with the baseline over the cases both have.
     *
     * @param metric the metric
     * @param baseline its mean in the baseline
     * @param current its mean now
     * @param pValue the paired sign-flip test's two-sided p-value (1 when fewer than two cases)
     * @param worse whether it moved the wrong way with p below 0.05
     */
    public record Change(String metric, double baseline, double current, double pValue, boolean worse) {}

    /**
     * What changed since a baseline.
     *
     * @param metrics each metric both runs have
     * @param casesWorse cases that passed in the baseline and do not now
     */
    public record Comparison(List<Change> metrics, List<String> casesWorse) {
        /** Whether anything got worse. */
        public boolean regressed() {
            return !casesWorse.isEmpty() || metrics.stream().anyMatch(Change::worse);
        }
    }

    /** Compares with a baseline summary written by {@link #toJson()} of an earlier evaluation. */
    public Comparison compare(JsonNode baseline) {
        JsonNode before = baseline.path("cases");
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        before.forEach(c -> byId.put(c.path("id").asText(), c));
        List<String> casesWorse = new ArrayList<>();
        for (CaseResult result : cases) {
            JsonNode old = byId.get(result.evalCase().id());
            if (old != null && old.path("passed").asBoolean() && !result.passed()) {
                casesWorse.add(result.evalCase().id());
            }
        }
        List<Change> changes = new ArrayList<>();
        for (String metric : summary().keySet()) {
            List<Double> was = new ArrayList<>();
            List<Double> now = new ArrayList<>();
            for (CaseResult result : cases) {
                JsonNode old = byId.get(result.evalCase().id());
                double current = result.mean(metric);
                if (old != null && old.path("means").has(metric) && !Double.isNaN(current)) {
                    was.add(old.path("means").get(metric).asDouble());
                    now.add(current);
                }
            }
            if (was.isEmpty()) {
                continue;
            }
            double[] a = now.stream().mapToDouble(Double::doubleValue).toArray();
            double[] b = was.stream().mapToDouble(Double::doubleValue).toArray();
            double meanNow = java.util.Arrays.stream(a).average().orElse(0);
            double meanWas = java.util.Arrays.stream(b).average().orElse(0);
            double p = a.length < 2 ? 1 : SignFlipTest.pValue(a, b, 35);
            boolean wrongWay = LOWER_IS_BETTER.contains(metric) ? meanNow > meanWas : meanNow < meanWas;
            changes.add(new Change(metric, meanWas, meanNow, p, wrongWay && p < 0.05));
        }
        return new Comparison(changes, casesWorse);
    }

    /** The JSON summary: every case's verdict, its metrics' means and spreads, and the overall summary. */
    public String toJson() {
        ObjectNode root = EvalDataset.JSON.createObjectNode();
        root.put("format", "quarry-eval-report");
        root.put("version", 1);
        root.put("passed", passed());
        root.put("total", cases.size());
        root.put("repeats", repeats);
        ObjectNode summary = root.putObject("summary");
        summary().forEach((name, s) -> {
            ObjectNode m = summary.putObject(name);
            m.put("mean", s.mean());
            m.put("spread", s.spread());
            m.put("cases", s.cases());
        });
        ArrayNode list = root.putArray("cases");
        for (CaseResult result : cases) {
            ObjectNode c = list.addObject();
            c.put("id", result.evalCase().id());
            c.put("line", result.evalCase().line());
            c.put("passed", result.passed());
            ArrayNode tags = c.putArray("tags");
            new TreeSet<>(result.evalCase().tags()).forEach(tags::add);
            ObjectNode means = c.putObject("means");
            Set<String> names = new LinkedHashSet<>();
            result.runs().forEach(r -> r.metrics().forEach(m -> names.add(m.name())));
            for (String name : names) {
                double mean = result.mean(name);
                if (!Double.isNaN(mean)) {
                    means.put(name, mean);
                }
            }
            ArrayNode failures = c.putArray("failures");
            result.failures().forEach(failures::add);
        }
        try {
            return EvalDataset.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the report cannot be written as JSON", e);
        }
    }

    /** The Markdown report; {@code comparison} adds what changed since a baseline. */
    public String toMarkdown(Optional<Comparison> comparison) {
        StringBuilder out = new StringBuilder("# Agent evaluation\n\n");
        out.append(String.format(
                Locale.ROOT,
                "%d of %d cases passed (%d run%s each).%n%n",
                passed(),
                cases.size(),
                repeats,
                repeats == 1 ? "" : "s"));
        out.append("| metric | mean | spread between runs | cases |\n|---|---:|---:|---:|\n");
        summary()
                .values()
                .forEach(s -> out.append(String.format(
                        Locale.ROOT, "| %s | %.4f | %.4f | %d |%n", s.metric(), s.mean(), s.spread(), s.cases())));
        comparison.ifPresent(c -> {
            out.append(
                    "\n## Against the baseline\n\n| metric | baseline | now | p | worse |\n|---|---:|---:|---:|---|\n");
            c.metrics()
                    .forEach(m -> out.append(String.format(
                            Locale.ROOT,
                            "| %s | %.4f | %.4f | %.4f | %s |%n",
                            m.metric(),
                            m.baseline(),
                            m.current(),
                            m.pValue(),
                            m.worse() ? "**worse**" : "")));
            out.append(
                    c.casesWorse().isEmpty()
                            ? "\nNo case that passed before fails now.\n"
                            : "\nCases that passed before and fail now: " + c.casesWorse() + "\n");
        });
        out.append("\n## Cases\n\n| case | verdict | answer | what failed | trace |\n|---|---|---|---|---|\n");
        for (CaseResult result : cases) {
            out.append("| ")
                    .append(Reports.markdown(result.evalCase().id()))
                    .append(" | ")
                    .append(result.passed() ? "pass" : "**fail**")
                    .append(" | ")
                    .append(Reports.markdown(
                            Reports.abbreviate(result.runs().getFirst().run().answer(), 120)))
                    .append(" | ")
                    .append(Reports.markdown(Reports.abbreviate(String.join("; ", result.failures()), 400)))
                    .append(" | ")
                    .append(traceLinks(result, "md"))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String traceLinks(CaseResult result, String format) {
        List<String> links = new ArrayList<>();
        for (Scored run : result.runs()) {
            if (run.run().result().isPresent()) {
                String file = traceFile(run.run());
                links.add(
                        format.equals("md")
                                ? "[" + run.run().repeat() + "](" + file + ")"
                                : "<a href=\"" + Reports.html(file) + "\">"
                                        + run.run().repeat() + "</a>");
            }
        }
        return String.join(" ", links);
    }

    private static String traceFile(CaseRun run) {
        return "traces/" + run.evalCase().id().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + run.repeat() + ".html";
    }

    /** The HTML report: the Markdown report's content, with every check of every run. */
    public String toHtml(Optional<Comparison> comparison) {
        StringBuilder rows = new StringBuilder();
        for (CaseResult result : cases) {
            for (Scored run : result.runs()) {
                for (Metric metric : run.metrics()) {
                    rows.append(String.format(
                            Locale.ROOT,
                            "<tr class=\"%s\"><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td>%.4f</td><td><pre>%s</pre></td></tr>%n",
                            metric.verdict().name().toLowerCase(Locale.ROOT),
                            Reports.html(result.evalCase().id()),
                            run.run().repeat(),
                            Reports.html(metric.name()),
                            metric.verdict().name().toLowerCase(Locale.ROOT),
                            metric.value(),
                            Reports.html(metric.detail())));
                }
            }
        }
        StringBuilder caseRows = new StringBuilder();
        for (CaseResult result : cases) {
            caseRows.append("<tr class=\"")
                    .append(result.passed() ? "pass" : "fail")
                    .append("\"><td>")
                    .append(Reports.html(result.evalCase().id()))
                    .append("</td><td>")
                    .append(result.passed() ? "pass" : "fail")
                    .append("</td><td>")
                    .append(Reports.html(
                            Reports.abbreviate(result.runs().getFirst().run().answer(), 300)))
                    .append("</td><td>")
                    .append(traceLinks(result, "html"))
                    .append("</td></tr>\n");
        }
        String changes = comparison
                .map(c -> "<h2>Against the baseline</h2><p>"
                        + (c.regressed() ? "<b>Something got worse.</b>" : "Nothing got worse.") + "</p><pre>"
                        + Reports.html(toMarkdown(Optional.of(c)).split("## Cases")[0]) + "</pre>")
                .orElse("");
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Agent evaluation</title>
                <style>body{font-family:system-ui,sans-serif;margin:24px}table{border-collapse:collapse;font-size:13px}
                td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
                tr.fail td,tr.error td{background:#fbe9e9}tr.pass td{background:#eef8f0}pre{margin:0;white-space:pre-wrap}</style>
                </head><body><h1>Agent evaluation</h1>
                """
                + "<p>" + passed() + " of " + cases.size() + " cases passed (" + repeats + " run(s) each).</p>"
                + changes
                + "<h2>Cases</h2><table><tr><th>case</th><th>verdict</th><th>answer</th><th>traces</th></tr>\n"
                + caseRows + "</table><h2>Every check</h2><table><tr><th>case</th><th>run</th><th>metric</th>"
                + "<th>verdict</th><th>value</th><th>detail</th></tr>\n" + rows + "</table></body></html>\n";
    }

    /**
     * Writes {@code summary.json}, {@code report.md}, {@code report.html} and a trace page per run (under
     * {@code traces/}) into {@code folder}.
     */
    public void writeTo(Path folder, Optional<Comparison> comparison) {
        try {
            Files.createDirectories(folder.resolve("traces"));
            Files.writeString(folder.resolve("summary.json"), toJson());
            Files.writeString(folder.resolve("report.md"), toMarkdown(comparison));
            Files.writeString(folder.resolve("report.html"), toHtml(comparison));
            for (CaseResult result : cases) {
                for (Scored run : result.runs()) {
                    if (run.run().result().isPresent()) {
                        Files.writeString(
                                folder.resolve(traceFile(run.run())),
                                run.run().result().get().trace().toHtml());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + folder, e);
        }
    }
}
