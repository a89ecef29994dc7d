package dev.quarry.agent.tool;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@link ToolPolicy} of a langchain4j {@code @Tool} method, for {@link AnnotatedTools}. Without it an
 * annotated method is read-only and idempotent.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Policy {

    /** The method changes the world; it runs only after approval. */
    boolean sideEffecting() default false;

    /** Safe to call again with the same arguments; defaults to {@code !sideEffecting}. */
    boolean idempotent() default true;

    /** Per-call timeout in milliseconds. */
    long timeoutMillis() default 60_000;

    /** Most concurrent calls. */
    int maxConcurrency() default Integer.MAX_VALUE;
}
