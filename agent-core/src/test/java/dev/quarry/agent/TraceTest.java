package dev.quarry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.agent.trace.Span;
import dev.quarry.agent.trace.Trace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceTest {

    static Span span(String id, Span.Kind kind, long start, long end, String... deps) {
        return new Span(id, kind, id.startsWith("m") ? "turn" : "search", start, end, "OK", 1, List.of(deps), Map.of());
    }

    @Test
    void computesCriticalPathAndParallelism() throws Exception {
        Trace trace = new Trace("r1");
        trace.add(span("m1", Span.Kind.MODEL, 0, 100));
        trace.add(span("s1", Span.Kind.STEP, 100, 400, "m1"));
        trace.add(span("s2", Span.Kind.STEP, 100, 200, "m1"));
        trace.add(span("m2", Span.Kind.MODEL, 400, 500, "s1", "s2"));
        assertThat(trace.criticalPath().toNanos()).isEqualTo(500);
        assertThat(trace.criticalPathSpans()).extracting(Span::id).containsExactly("m1", "s1", "m2");
        assertThat(trace.wallTime().toNanos()).isEqualTo(500);
        assertThat(trace.parallelism()).isEqualTo(600 / 500.0);

        var json = new ObjectMapper().readTree(trace.toJson());
        assertThat(json.get("spans")).hasSize(4);
        assertThat(json.get("criticalPathMillis").asDouble()).isEqualTo(0.0005);

        String html = trace.toHtml();
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("data-span=\"s1\"")
                .contains("critical path");
        assertThat(html).doesNotContain("<script");
    }

    @Test
    void escapesNamesInHtml() {
        Trace trace = new Trace("<run>");
        trace.add(new Span("<img src=x>", Span.Kind.STEP, "t\"ool", 0, 10, "OK", 1, List.of(), Map.of()));
        assertThat(trace.toHtml()).doesNotContain("<img").contains("&lt;img src=x&gt;");
    }

    @Test
    void theTimelineHasAnAxisALanePerOverlapDetailsAndATokenSummary() {
        Trace trace = new Trace("r2");
        trace.add(new Span(
                "model-1",
                Span.Kind.MODEL,
                "turn",
                0,
                2_000_000,
                "OK",
                1,
                List.of(),
                Map.of("inputTokens", 120, "outputTokens", 40, "cacheReadTokens", 7)));
        trace.add(new Span(
                "a",
                Span.Kind.STEP,
                "search",
                2_000_000,
                9_000_000,
                "SUCCEEDED",
                1,
                List.of("model-1"),
                Map.of("arguments", "{\"query\":\"<script>alert(1)</script>\"}", "result", "found it")));
        trace.add(new Span(
                "b",
                Span.Kind.STEP,
                "search",
                2_500_000,
                5_000_000,
                "FAILED",
                2,
                List.of("model-1"),
                Map.of("arguments", "{\"query\":\"b\"}", "result", "backend down")));
        trace.add(new Span(
                "c", Span.Kind.STEP, "search", 6_000_000, 8_000_000, "SUCCEEDED", 1, List.of("model-1"), Map.of()));
        trace.finish();
        String html = trace.toHtml();
        // a and b overlap: two step lanes; c fits after b in the second lane
        assertThat(html.split("data-lane=\"step\"", -1)).hasSize(3);
        assertThat(html.split("data-lane=\"model\"", -1)).hasSize(2);
        assertThat(html).contains("class=\"tick\"").contains(" ms</span>");
        assertThat(html).contains("tokens 120 in, 40 out, 7 cache read");
        assertThat(html).contains("backend down").contains("<tr data-span=\"b\">");
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("(critical path)");
    }
}
