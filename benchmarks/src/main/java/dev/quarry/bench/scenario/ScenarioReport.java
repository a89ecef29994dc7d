package dev.quarry.bench.scenario;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Turns the sweep's summaries into the Markdown tables, the headline figures against the goals, and a
 * chart of median wall time against model speed per contender (JFreeChart, PNG).
 */
public final class ScenarioReport {

    private final List<PointSummary> points;
    private final double baselineSpeed;
    private final Contender headlineContender;
    private final String title;

    /**
     * @param baselineSpeed the speed the headline compares at
     * @param headlineContender the Quarry contender the headline reports, fixed before the run
     * @param title what was run (workload and model profile), for chart titles
     */
    public ScenarioReport(List<PointSummary> points, double baselineSpeed, Contender headlineContender, String title) {
        this.points = List.copyOf(points);
        this.baselineSpeed = baselineSpeed;
        this.headlineContender = headlineContender;
        this.title = title;
    }

    /** The summary of one contender at one point, if it was run. */
    public Optional<PointSummary> at(Contender contender, double speed, int thinking) {
        return points.stream()
                .filter(p -> p.contender() == contender && p.speed() == speed && p.thinkingTokens() == thinking)
                .findFirst();
    }

    /** How much faster a contender's median answer gets when the model gets twice as fast; empty if not run. */
    public Optional<Double> passThrough(Contender contender, double speed, int thinking) {
        Optional<PointSummary> slow = at(contender, speed, thinking);
        Optional<PointSummary> fast = at(contender, speed * 2, thinking);
        return slow.isPresent() && fast.isPresent()
                ? Optional.of(slow.get().medianWall() / fast.get().medianWall())
                : Optional.empty();
    }

    /**
     * Pass-through as efficiency: the speed-up a 2x faster model gives, divided by the speed-up the critical
     * path allows ({@code CP(speed) / CP(2 speed)}, the tools not getting faster). 1 means every gain the
     * work allows reaches the caller; empty if not run.
     */
    public Optional<Double> efficiency(Contender contender, double speed, int thinking) {
        return passThrough(contender, speed, thinking)
                .map(x -> x
                        / (at(contender, speed, thinking).orElseThrow().medianCriticalPath()
                                / at(contender, speed * 2, thinking)
                                        .orElseThrow()
                                        .medianCriticalPath()));
    }

    /**
     * The headline: Quarry's default configuration (c) and the headline contender fixed before the run, each
     * against every LangChain4j baseline, with time to the first answer token, wall over critical path and
     * pass-through. Never the best of several Quarry set-ups.
     */
    public String headline() {
        StringBuilder text = new StringBuilder();
        List<Contender> reported = headlineContender == Contender.QUARRY_TOOL_USE
                ? List.of(Contender.QUARRY_TOOL_USE)
                : List.of(Contender.QUARRY_TOOL_USE, headlineContender);
        for (int thinking : thinkings()) {
            for (Contender quarry : reported) {
                Optional<PointSummary> measured = at(quarry, baselineSpeed, thinking);
                if (measured.isEmpty()) {
                    continue;
                }
                PointSummary q = measured.get();
                text.append(String.format(
                        Locale.ROOT,
                        "- R = %d, speed %sx, (%s) %s%s: %.2f s median, first answer token %.2f s",
                        thinking,
                        number(baselineSpeed),
                        quarry.letter(),
                        quarry.label(),
                        quarry == headlineContender ? " [headline]" : " [default configuration]",
                        q.medianWall(),
                        q.medianFirstToken()));
                for (Contender baseline : List.of(
                        Contender.AISERVICES_SEQUENTIAL,
                        Contender.AISERVICES_PARALLEL_CALLS_SEQUENTIAL,
                        Contender.AISERVICES_CONCURRENT,
                        Contender.AISERVICES_CONCURRENT_CACHED)) {
                    at(baseline, baselineSpeed, thinking)
                            .ifPresent(p -> text.append(String.format(
                                    Locale.ROOT,
                                    "; %.2fx faster than (%s) (first token %.2fx)",
                                    p.medianWall() / q.medianWall(),
                                    baseline.letter(),
                                    p.medianFirstToken() / q.medianFirstToken())));
                }
                text.append(String.format(Locale.ROOT, "; wall / critical path %.3f", q.wallOverCriticalPath()));
                passThrough(quarry, baselineSpeed, thinking)
                        .ifPresent(x -> text.append(String.format(Locale.ROOT, "; a 2x faster model gives %.2fx", x)));
                efficiency(quarry, baselineSpeed, thinking)
                        .ifPresent(x -> text.append(
                                String.format(Locale.ROOT, " (efficiency against the critical path %.3f)", x)));
                text.append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Every Quarry contender, and the cached baseline (b2), against (b), parallel tool use with concurrent
     * execution, at the baseline speed:
     * wall time and time to the first answer token. Each mechanism is its own labelled row, never folded into
     * the headline.
     */
    public String againstConcurrentBaseline() {
        StringBuilder text =
                new StringBuilder("| R | contender | median s | vs (b) wall | first token s | vs (b) first token |\n"
                        + "|---:|---|---:|---:|---:|---:|\n");
        for (int thinking : thinkings()) {
            Optional<PointSummary> b = at(Contender.AISERVICES_CONCURRENT, baselineSpeed, thinking);
            if (b.isEmpty()) {
                continue;
            }
            for (Contender quarry : Contender.values()) {
                if (!quarry.isQuarry() && quarry != Contender.AISERVICES_CONCURRENT_CACHED) {
                    continue;
                }
                at(quarry, baselineSpeed, thinking)
                        .ifPresent(q -> text.append(String.format(
                                Locale.ROOT,
                                "| %d | (%s) %s | %.2f | %.2fx | %.2f | %.2fx |\n",
                                thinking,
                                quarry.letter(),
                                quarry.label(),
                                q.medianWall(),
                                b.get().medianWall() / q.medianWall(),
                                q.medianFirstToken(),
                                b.get().medianFirstToken() / q.medianFirstToken())));
            }
        }
        return text.toString();
    }

    /** One table per R: every contender at every speed. */
    public String tables() {
        StringBuilder text = new StringBuilder();
        for (int thinking : thinkings()) {
            text.append("\n#### R = ").append(thinking).append(" reasoning tokens per turn\n\n");
            text.append(
                    "| contender | speed | median s | p90 s | first token s | model calls | input tok"
                            + " | of them cached | output tok | wall / crit. path | 2x model gives | efficiency | problems |\n");
            text.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Contender contender : Contender.values()) {
                for (double speed : speeds()) {
                    at(contender, speed, thinking)
                            .ifPresent(p -> text.append(String.format(
                                    Locale.ROOT,
                                    "| (%s) %s | %sx | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.3f | %s | %s | %d |\n",
                                    contender.letter(),
                                    contender.label(),
                                    number(speed),
                                    p.medianWall(),
                                    p.p90Wall(),
                                    p.medianFirstToken(),
                                    p.modelCalls(),
                                    p.inputTokens(),
                                    p.cacheReadTokens(),
                                    p.outputTokens(),
                                    p.wallOverCriticalPath(),
                                    passThrough(contender, speed, thinking)
                                            .map(x -> String.format(Locale.ROOT, "%.2fx", x))
                                            .orElse("-"),
                                    efficiency(contender, speed, thinking)
                                            .map(x -> String.format(Locale.ROOT, "%.3f", x))
                                            .orElse("-"),
                                    p.problems())));
                }
            }
        }
        return text.toString();
    }

    /**
     * Writes one PNG per R, {@code <stem>-wall-r<R>.png}: median wall time against model speed (log scale),
     * one line per contender.
     */
    public List<Path> writeCharts(Path directory, String stem) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        for (int thinking : thinkings()) {
            XYSeriesCollection data = new XYSeriesCollection();
            for (Contender contender : Contender.values()) {
                XYSeries series = new XYSeries("(" + contender.letter() + ") " + contender.label());
                for (double speed : speeds()) {
                    at(contender, speed, thinking).ifPresent(p -> series.add(speed, p.medianWall()));
                }
                if (!series.isEmpty()) {
                    data.addSeries(series);
                }
            }
            LogAxis speedAxis = new LogAxis("model speed (x baseline)");
            speedAxis.setBase(2);
            speedAxis.setTickUnit(new NumberTickUnit(1)); // one tick per doubling: 0.5x, 1x, 2x, 4x
            speedAxis.setNumberFormatOverride(new DecimalFormat("0.##'x'"));
            NumberAxis wallAxis = new NumberAxis("median wall time per task (s)");
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
            for (int i = 0; i < data.getSeriesCount(); i++) {
                // Quarry's lines dashed, so (c) stays visible where it lies on (b)
                boolean quarry = data.getSeries(i).getKey().toString().contains("Quarry");
                renderer.setSeriesStroke(
                        i,
                        quarry
                                ? new BasicStroke(
                                        2.5f,
                                        BasicStroke.CAP_ROUND,
                                        BasicStroke.JOIN_ROUND,
                                        1f,
                                        new float[] {8f, 5f},
                                        0f)
                                : new BasicStroke(2.5f));
                renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            }
            XYPlot plot = new XYPlot(data, speedAxis, wallAxis, renderer);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            JFreeChart chart = new JFreeChart(
                    title + ", R = " + thinking + ": median wall time vs model speed",
                    JFreeChart.DEFAULT_TITLE_FONT,
                    plot,
                    true);
            chart.setBackgroundPaint(Color.WHITE);
            Path file = directory.resolve(stem + "-wall-r" + thinking + ".png");
            ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
            written.add(file);
        }
        return written;
    }

    /** Colour-blind-safe (Okabe-Ito) colours, one per contender. */
    private static final Color[] PALETTE = {
        new Color(0xD55E00),
        new Color(0x0072B2),
        new Color(0x56B4E9),
        new Color(0xE69F00),
        new Color(0x009E73),
        new Color(0xCC79A7),
        new Color(0x000000)
    };

    private List<Integer> thinkings() {
        return points.stream()
                .map(PointSummary::thinkingTokens)
                .distinct()
                .sorted()
                .toList();
    }

    private List<Double> speeds() {
        return points.stream().map(PointSummary::speed).distinct().sorted().toList();
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
