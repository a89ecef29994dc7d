package dev.quarry.agent.model;

import dev.quarry.agent.error.ConfigurationException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What tokens cost, per model, in US dollars per million tokens, for {@link Usage#cost}. Quarry ships no
 * prices: they change, and differ by region and service tier; the application supplies its own.
 *
 * <pre>{@code
 * PriceTable prices = PriceTable.builder()
 *         .price("anthropic.claude-sonnet-4-5", new PriceTable.Price("3.00", "15.00", "0.30", "3.75"))
 *         .build();
 * BigDecimal dollars = result.usage().cost(prices);
 * }</pre>
 *
 * A call's model is matched by the longest key its model id contains, so one key serves a model id and its
 * cross-region inference profiles ({@code us.anthropic.claude-sonnet-4-5-...}).
 */
public final class PriceTable {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final Map<String, Price> prices;
    private final Price fallback;

    private PriceTable(Builder builder) {
        this.prices = Map.copyOf(builder.prices);
        this.fallback = builder.fallback;
    }

    /** A builder for an empty table; add a price for every model the agent calls. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * US dollars per million tokens.
     *
     * @param input input tokens not read from the prompt cache
     * @param output output tokens
     * @param cacheRead input tokens read from the prompt cache
     * @param cacheWrite input tokens written to the prompt cache
     */
    public record Price(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {

        public Price {
            for (BigDecimal value : new BigDecimal[] {input, output, cacheRead, cacheWrite}) {
                if (value == null || value.signum() < 0) {
                    throw new ConfigurationException("a price must be given and not negative, was " + value);
                }
            }
        }

        /** From decimal strings, such as {@code "3.00"}. */
        public Price(String input, String output, String cacheRead, String cacheWrite) {
            this(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cacheRead), new BigDecimal(cacheWrite));
        }

        BigDecimal of(Usage.Call call) {
            return input.multiply(BigDecimal.valueOf(call.inputTokens()))
                    .add(output.multiply(BigDecimal.valueOf(call.outputTokens())))
                    .add(cacheRead.multiply(BigDecimal.valueOf(call.cacheReadTokens())))
                    .add(cacheWrite.multiply(BigDecimal.valueOf(call.cacheWriteTokens())))
                    .divide(MILLION);
        }
    }

    /** The price for a model id: the longest key it contains, or the fallback price. */
    public Optional<Price> priceOf(String modelId) {
        String id = modelId == null ? "" : modelId;
        return prices.entrySet().stream()
                .filter(e -> id.contains(e.getKey()))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(Map.Entry::getValue)
                .or(() -> Optional.ofNullable(fallback));
    }

    /** Configures a {@link PriceTable}. */
    public static final class Builder {
        private final Map<String, Price> prices = new LinkedHashMap<>();
        private Price fallback;

        private Builder() {}

        /** The price of every model whose id contains {@code modelKey}. */
        public Builder price(String modelKey, Price price) {
            if (modelKey == null || modelKey.isBlank()) {
                throw new ConfigurationException("a price needs a model id (or part of one)");
            }
            prices.put(modelKey, Objects.requireNonNull(price, "price"));
            return this;
        }

        /** The price of a call whose model matches no key (or does not say which model it is). */
        public Builder fallback(Price price) {
            this.fallback = Objects.requireNonNull(price, "price");
            return this;
        }

        /** The table. */
        public PriceTable build() {
            return new PriceTable(this);
        }
    }
}
