package dev.quarry.agent.model;

import dev.quarry.agent.error.ConfigurationException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Tokens spent by a run, per model call and in total.
 *
 * @param calls every model call, in order
 */
public record Usage(List<Call> calls) {

    public Usage {
        calls = List.copyOf(calls);
    }

    /**
     * One model call.
     *
     * @param id the call's span id in the trace
     * @param model the model that answered, as the provider named it (empty when it did not say)
     * @param inputTokens input tokens billed (excluding cache reads)
     * @param outputTokens output tokens
     * @param cacheReadTokens input tokens read from the prompt cache
     * @param cacheWriteTokens input tokens written to the prompt cache
     * @param attempts requests sent (more than 1 after retries)
     * @param latency time from first request to response
     */
    public record Call(
            String id,
            String model,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            int attempts,
            Duration latency) {}

    /** Input tokens over all model calls. */
    public long inputTokens() {
        return calls.stream().mapToLong(Call::inputTokens).sum();
    }

    /** Output tokens over all model calls. */
    public long outputTokens() {
        return calls.stream().mapToLong(Call::outputTokens).sum();
    }

    /** Input tokens read from prompt caches over all model calls. */
    public long cacheReadTokens() {
        return calls.stream().mapToLong(Call::cacheReadTokens).sum();
    }

    /** Input tokens written to prompt caches over all model calls. */
    public long cacheWriteTokens() {
        return calls.stream().mapToLong(Call::cacheWriteTokens).sum();
    }

    /** Input plus output tokens. */
    public long totalTokens() {
        return inputTokens() + outputTokens() + cacheReadTokens() + cacheWriteTokens();
    }

    /**
     * What the run's model calls cost, in the currency of the table (US dollars per million tokens in the
     * examples), each call priced by its model.
     *
     * @throws dev.quarry.agent.error.ConfigurationException when a call's model has no price in the table
     */
    public BigDecimal cost(PriceTable prices) {
        BigDecimal total = BigDecimal.ZERO;
        for (Call call : calls) {
            PriceTable.Price price = prices.priceOf(call.model())
                    .orElseThrow(() -> new ConfigurationException("the price table has no price for model '"
                            + call.model() + "' (call " + call.id() + "); add one, or a fallback price"));
            total = total.add(price.of(call));
        }
        return total;
    }

    /** How many model calls were made. */
    public int modelCalls() {
        return calls.size();
    }
}
