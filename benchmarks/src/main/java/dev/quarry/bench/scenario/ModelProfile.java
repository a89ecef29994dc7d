package dev.quarry.bench.scenario;

import dev.quarry.testkit.LatencyProfile;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Named latency profiles of the simulated model, each from a public figure with its source. None was
 * measured here (the machine has no network). Every profile keeps the baseline's {@link #PREFILL_NANOS} of prompt
 * processing per input token, which no source below gives; Anthropic's prompt-caching cookbook measured 187,363
 * uncached input tokens answered in 6.86 s on Claude Sonnet 4.5 (https://platform.claude.com/cookbook/misc-prompt-caching),
 * at most 0.037 ms a token, so {@code --prefill 37} is the lower bound to compare with. Choose a profile with
 * {@code ./bench scenario --profile NAME}.
 */
public enum ModelProfile {
    /** The benchmark's baseline since its first version: 600 ms to the first token, 60 tokens a second. */
    BASELINE("baseline", 600, 60, "the benchmark's own round figures (not a measurement)"),
    /**
     * Claude Sonnet 4.5: 1.80 s to the first token, 63 output tokens a second (Artificial Analysis, as
     * quoted at https://lattice.uptownhr.com/claude-opus-4-5/speed-analysis).
     */
    SONNET_4_5(
            "sonnet-4.5",
            1_800,
            63,
            "Artificial Analysis via lattice.uptownhr.com/claude-opus-4-5/speed-analysis: TTFT 1.80 s, 63 tokens/s"),
    /**
     * Claude Sonnet 4.6: median 1,207 ms to the first token, median 95.3 output tokens a second
     * (https://www.bridgebench.ai/speedbench/claude-sonnet-4-6).
     */
    SONNET_4_6(
            "sonnet-4.6",
            1_207,
            95.3,
            "bridgebench.ai/speedbench/claude-sonnet-4-6: median TTFT 1,207 ms, median 95.3 tokens/s"),
    /**
     * Claude Haiku 4.5 on Anthropic's API: 0.48 s to the first token, 53 output tokens a second (Artificial
     * Analysis, as quoted at https://shadabchow.com/blogs/ai-models/claude-4-5-haiku-reasoning, which gives
     * 88 tokens a second on Vertex AI). Other sources quote 150 to 180 tokens a second; this profile keeps
     * the figure it can cite.
     */
    HAIKU_4_5(
            "haiku-4.5",
            480,
            53,
            "Artificial Analysis via shadabchow.com/blogs/ai-models/claude-4-5-haiku-reasoning: TTFT 0.48 s,"
                    + " 53 tokens/s (Anthropic API)");

    /** Prompt processing per input token, in nanoseconds, in every profile unless {@code --prefill} says otherwise. */
    public static final long PREFILL_NANOS = 100_000;

    private final String name;
    private final LatencyProfile latency;
    private final String source;

    ModelProfile(String name, long firstTokenMillis, double tokensPerSecond, String source) {
        this.name = name;
        this.latency = new LatencyProfile(
                Duration.ofMillis(firstTokenMillis), Duration.ofNanos(PREFILL_NANOS), tokensPerSecond);
        this.source = source;
    }

    /** The name the command line uses. */
    public String optionName() {
        return name;
    }

    /** The latency of this profile at speed 1x, before the benchmark's common time scale. */
    public LatencyProfile latency() {
        return latency;
    }

    /** The latency of this profile with another prompt-processing time per input token. */
    public LatencyProfile latency(long prefillNanosPerToken) {
        return new LatencyProfile(
                latency.firstTokenFixed(), Duration.ofNanos(prefillNanosPerToken), latency.outputTokensPerSecond());
    }

    /** Where the figures come from. */
    public String source() {
        return source;
    }

    /** The profile of this name. */
    public static ModelProfile named(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(p -> p.name.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown profile " + name + "; use "
                        + Arrays.stream(values()).map(ModelProfile::optionName).toList()));
    }
}
