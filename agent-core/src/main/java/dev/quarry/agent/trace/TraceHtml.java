package dev.quarry.agent.trace;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Renders a {@link Trace} as one HTML page: a row per span, bars placed on a shared time axis. */
final class TraceHtml {

    private TraceHtml() {}

    static String render(Trace trace) {
        List<Span> spans = trace.spans();
        double wall = Math.max(1, trace.wallTime().toNanos());
        Set<String> critical = trace.criticalPathSpans().stream().map(Span::id).collect(Collectors.toSet());
        StringBuilder rows = new StringBuilder();
        for (Span span : spans) {
            double left = 100 * span.startNanos() / wall;
            double width = Math.max(0.3, 100 * span.durationNanos() / wall);
            String css = (span.kind() == Span.Kind.MODEL ? "model" : "step")
                    + (critical.contains(span.id()) ? " critical" : "")
                    + ("OK".equals(span.outcome()) || "SUCCEEDED".equals(span.outcome()) ? "" : " failed");
            rows.append(String.format(
                    Locale.ROOT,
                    "<div class=\"row\"><div class=\"label\">%s <span class=\"tool\">%s</span></div>"
                            + "<div class=\"lane\"><div class=\"bar %s\" data-span=\"%s\" style=\"left:%.3f%%;width:%.3f%%\""
                            + " title=\"%s: %.1f ms, %s\"></div></div></div>%n",
                    escape(span.id()),
                    escape(span.name()),
                    css,
                    escape(span.id()),
                    left,
                    width,
                    escape(span.name()),
                    span.durationNanos() / 1e6,
                    escape(span.outcome())));
        }
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
                .tool{color:#666}
                .lane{position:relative;flex:1;height:16px;background:#f3f3f3}
                .bar{position:absolute;top:1px;height:14px;border-radius:2px}
                .model{background:#6b5bd6}.step{background:#2b9d6a}
                .critical{outline:2px solid #e0a100}.failed{background:#c94040}
                .legend span{display:inline-block;padding:2px 8px;margin-right:8px;color:#fff;font-size:12px}
                </style></head><body>
                <h1>Run %s</h1>
                <div class="summary"><b>wall %.1f ms</b><b>first answer token %s</b><b>critical path %.1f ms</b><b>parallelism %.2f</b><b>%d spans</b></div>
                <div class="legend"><span class="model">model call</span><span class="step">step</span>
                <span class="failed">failed</span><span style="color:#222;outline:2px solid #e0a100">critical path</span></div>
                <div class="chart">
                %s</div>
                </body></html>
                """,
                escape(trace.runId()),
                escape(trace.runId()),
                trace.wallTime().toNanos() / 1e6,
                trace.firstAnswerToken()
                        .map(d -> String.format(java.util.Locale.ROOT, "%.1f ms", d.toNanos() / 1e6))
                        .orElse("-"),
                trace.criticalPath().toNanos() / 1e6,
                trace.parallelism(),
                spans.size(),
                rows);
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
