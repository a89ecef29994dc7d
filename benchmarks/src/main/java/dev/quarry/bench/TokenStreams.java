package dev.quarry.bench;

import dev.langchain4j.service.TokenStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** How the benchmarks read a LangChain4j {@code TokenStream}: its whole answer, and when its first token came. */
public final class TokenStreams {

    private TokenStreams() {}

    /**
     * A streamed answer.
     *
     * @param text the complete answer
     * @param firstTokenNanos {@link System#nanoTime()} of the first partial response, or -1 when none came
     */
    public record Streamed(String text, long firstTokenNanos) {}

    /** Starts the stream and waits for its complete response; an error of the stream is thrown. */
    public static Streamed collect(TokenStream stream) {
        AtomicLong firstToken = new AtomicLong(-1);
        CompletableFuture<String> answer = new CompletableFuture<>();
        stream.onPartialResponse(text -> firstToken.compareAndSet(-1, System.nanoTime()))
                .onCompleteResponse(
                        response -> answer.complete(response.aiMessage().text()))
                .onError(answer::completeExceptionally)
                .start();
        return new Streamed(answer.join(), firstToken.get());
    }
}
