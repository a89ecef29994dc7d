package dev.quarry.agent.trace;

import dev.quarry.agent.guard.GuardrailCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders a {@link Trace} as one self-contained HTML page (no scripts, no external files): a summary line, a
 * time axis, one lane per span that ran at the same time as others (model calls above, steps below), the
 * critical path outlined, each bar's details on hover, and a table of every span with its details (tool
 * arguments and a result excerpt, tokens, attempts, how it ended). Everything from the run is escaped.
 */
final class TraceHtml {

    private TraceHtml() {}

    static String render(Trace trace) {
        List<Span> spans = trace.spans();
        double wall = Math.max(
                1,
                Math.max(
                        trace.wallTime().toNanos(),
                        spans.stream().mapToLong(Span::endNanos).max().orElse(0)));
        Set<String> critical = trace.criticalPathSpans().stream().map(Span::id).collect(Collectors.toSet());
        StringBuilder lanes = new StringBuilder();
        lanes(lanes, "", spans, wall, critical, 0);
        nested(lanes, trace, wall, 0, "");
        return String.format(
                Locale.ROOT,
                """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Quarry trace %s</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:24px;color:#222}
                .summary{margin-bottom:16px}.summary b{margin-right:18px}
                .row{display:flex;align-items:center;height:22px}
                .label{width:260px;font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
                .lane{position:relative;flex:1;height:16px;background:#f3f3f3}
                .axis{position:relative;flex:1;height:18px;border-bottom:1px solid #999}
                .tick{position:absolute;bottom:0;font-size:11px;color:#555;border-left:1px solid #999;padding-left:2px}
                .bar{position:absolute;top:1px;height:14px;border-radius:2px;overflow:hidden;font-size:10px;color:#fff}
                .model{background:#6b5bd6}.step{background:#2b9d6a}
                .critical{outline:2px solid #e0a100}.failed{background:#c94040}
                .legend span{display:inline-block;padding:2px 8px;margin-right:8px;color:#fff;font-size:12px}
                table.details{margin-top:20px;border-collapse:collapse;font-size:12px}
                .details td,.details th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
                </style></head><body>
                <h1>Run %s</h1>
                <div class="summary"><b>wall %.1f ms</b><b>first answer token %s</b><b>critical path %.1f ms</b><b>parallelism %.2f</b><b>%d spans</b><b>tokens %s</b></div>
                <div class="legend"><span class="model">model call</span><span class="step">step</span>
                <span class="failed">failed</span><span style="color:#222;outline:2px solid #e0a100">critical path</span></div>
                <div class="chart">
                <div class="row"><div class="label">time</div><div class="axis">%s</div></div>
                %s</div>
                <table class="details"><tr><th>span</th><th>kind</th><th>name</th><th>start ms</th><th>duration ms</th><th>outcome</th><th>attempts</th><th>details</th></tr>
                %s</table>
                %s
                </body></html>
                """,
                escape(trace.runId()),
                escape(trace.runId()),
                trace.wallTime().toNanos() / 1e6,
                trace.firstAnswerToken()
                        .map(d -> String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6))
                        .orElse("-"),
                trace.criticalPath().toNanos() / 1e6,
                trace.parallelism(),
                spans.size(),
                tokens(spans),
                axis(wall),
                lanes,
                table(spans, critical),
                guardrails(trace));
    }

    /** The guardrails' verdicts, when the run had any. */
    private static String guardrails(Trace trace) {
        if (trace.guardrails().isEmpty()) {
            return "";
        }
        StringBuilder rows = new StringBuilder(
                "<table class=\"details guardrails\"><tr><th>guardrail</th><th>stage</th><th>step</th><th>verdict</th>"
                        + "<th>start ms</th><th>duration ms</th><th>reason</th></tr>\n");
        for (GuardrailCheck check : trace.guardrails()) {
            rows.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.1f</td><td>%.2f</td><td>%s</td></tr>%n",
                    escape(check.guardrail()),
                    escape(check.stage().label()),
                    escape(check.stepId()),
                    escape(check.verdict()),
                    check.startNanos() / 1e6,
                    check.duration().toNanos() / 1e6,
                    escape(check.reason())));
        }
        return rows.append("</table>").toString();
    }

    /** Spans into lanes, first fit by start time: a lane holds spans that did not overlap. */
    static List<List<Span>> pack(List<Span> spans) {
        List<List<Span>> lanes = new ArrayList<>();
        for (Span span : spans) {
            List<Span> free = lanes.stream()
                    .filter(lane -> lane.getLast().endNanos() <= span.startNanos())
                    .findFirst()
                    .orElse(null);
            if (free == null) {
                free = new ArrayList<>();
                lanes.add(free);
            }
            free.add(span);
        }
        return lanes;
    }

    /** One run's lanes, model calls first; {@code offset} places a nested run's spans in the root's time. */
    private static void lanes(
            StringBuilder out, String prefix, List<Span> spans, double wall, Set<String> critical, long offset) {
        for (Span.Kind kind : Span.Kind.values()) {
            List<List<Span>> packed =
                    pack(spans.stream().filter(s -> s.kind() == kind).toList());
            for (int i = 0; i < packed.size(); i++) {
                out.append(lane(prefix, kind, i + 1, packed.get(i), wall, critical, offset));
            }
        }
    }

    /**
     * The runs nested in {@code trace} (sub-agents), each under a heading row naming its step and its own
     * critical path, with its spans marked on its own critical path, recursively.
     */
    private static void nested(StringBuilder out, Trace trace, double wall, long offset, String prefix) {
        for (Trace.Nested child : trace.nested()) {
            long at = offset + child.offsetNanos();
            Trace run = child.trace();
            String label = prefix + "\u21b3 " + child.stepId();
            out.append(String.format(
                    Locale.ROOT,
                    "<div class=\"row sub\" data-subagent=\"%s\"><div class=\"label\"><b>%s</b></div>"
                            + "<div class=\"label\">sub-agent run %s: wall %.1f ms, critical path %.1f ms</div></div>%n",
                    escape(run.runId()),
                    escape(label),
                    escape(run.runId()),
                    run.wallTime().toNanos() / 1e6,
                    run.criticalPath().toNanos() / 1e6));
            Set<String> critical =
                    run.criticalPathSpans().stream().map(Span::id).collect(Collectors.toSet());
            lanes(out, label + " ", run.spans(), wall, critical, at);
            nested(out, run, wall, at, prefix + "\u00a0\u00a0");
        }
    }

    private static String lane(
            String prefix,
            Span.Kind kind,
            int number,
            List<Span> spans,
            double wall,
            Set<String> critical,
            long offset) {
        StringBuilder bars = new StringBuilder();
        for (Span span : spans) {
            String css = (span.kind() == Span.Kind.MODEL ? "model" : "step")
                    + (critical.contains(span.id()) ? " critical" : "")
                    + (succeeded(span) ? "" : " failed");
            bars.append(String.format(
                    Locale.ROOT,
                    "<div class=\"bar %s\" data-span=\"%s\" style=\"left:%.3f%%;width:%.3f%%\" title=\"%s\">%s</div>",
                    css,
                    escape(span.id()),
                    100 * (offset + span.startNanos()) / wall,
                    Math.max(0.3, 100 * span.durationNanos() / wall),
                    escape(span.id() + " " + span.name() + ": "
                            + String.format(Locale.ROOT, "%.1f ms", span.durationNanos() / 1e6) + ", " + span.outcome()
                            + details(span.attributes())),
                    escape(span.id() + " " + span.name())));
        }
        String name = kind == Span.Kind.MODEL ? "model calls" : "steps";
        return String.format(
                Locale.ROOT,
                "<div class=\"row\" data-lane=\"%s\"><div class=\"label\">%s%s, lane %d</div><div class=\"lane\">%s</div></div>%n",
                kind == Span.Kind.MODEL ? "model" : "step",
                escape(prefix),
                name,
                number,
                bars);
    }

    private static String axis(double wall) {
        double millis = wall / 1e6;
        double step = niceStep(millis / 6);
        StringBuilder ticks = new StringBuilder();
        for (double at = 0; at <= millis; at += step) {
            ticks.append(String.format(
                    Locale.ROOT,
                    "<span class=\"tick\" style=\"left:%.3f%%\">%s ms</span>",
                    100 * at / millis,
                    step >= 1 ? String.format(Locale.ROOT, "%.0f", at) : String.format(Locale.ROOT, "%.2f", at)));
        }
        return ticks.toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 1e-6))));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * power >= rough) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private static String table(List<Span> spans, Set<String> critical) {
        StringBuilder rows = new StringBuilder();
        for (Span span : spans) {
            rows.append(String.format(
                    Locale.ROOT,
                    "<tr data-span=\"%s\"><td>%s%s</td><td>%s</td><td>%s</td><td>%.1f</td><td>%.1f</td><td>%s</td><td>%d</td><td>%s</td></tr>%n",
                    escape(span.id()),
                    escape(span.id()),
                    critical.contains(span.id()) ? " (critical path)" : "",
                    span.kind() == Span.Kind.MODEL ? "model call" : "step",
                    escape(span.name()),
                    span.startNanos() / 1e6,
                    span.durationNanos() / 1e6,
                    escape(span.outcome()),
                    span.attempts(),
                    escape(details(span.attributes()).replaceFirst("^, ", ""))));
        }
        return rows.toString();
    }

    private static String details(Map<String, Object> attributes) {
        StringBuilder text = new StringBuilder();
        attributes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> text.append(", ").append(e.getKey()).append('=').append(e.getValue()));
        return text.toString();
    }

    private static String tokens(List<Span> spans) {
        long input = sum(spans, "inputTokens");
        long output = sum(spans, "outputTokens");
        long cached = sum(spans, "cacheReadTokens");
        return String.format(Locale.ROOT, "%d in, %d out, %d cache read", input, output, cached);
    }

    private static long sum(List<Span> spans, String attribute) {
        return spans.stream()
                .map(s -> s.attributes().get(attribute))
                .filter(v -> v instanceof Number)
                .mapToLong(v -> ((Number) v).longValue())
                .sum();
    }

    private static boolean succeeded(Span span) {
        return "OK".equals(span.outcome()) || "SUCCEEDED".equals(span.outcome());
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
