package dev.quarry.agent.tool;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@link ToolPolicy} of a langchain4j {@code @Tool} method, for {@link AnnotatedTools}. Without it, or
 * without {@code sideEffecting = false}, a method counts as side-effecting: it runs only after approval and
 * is never retried. Declare what only reads with {@code @Policy(sideEffecting = false)}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Policy {

    /** The method changes the world; it runs only after approval. Set it to false for a method that only reads. */
    boolean sideEffecting() default true;

    /**
     * Safe to call again with the same arguments, so transient failures are retried; only a method that is
     * not side-effecting can be (then default true).
     */
    boolean idempotent() default true;

    /** Per-call timeout in milliseconds. */
    long timeoutMillis() default 60_000;

    /** Most concurrent calls. */
    int maxConcurrency() default Integer.MAX_VALUE;
}
