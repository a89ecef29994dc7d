package dev.quarry.agent.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns the methods of an object annotated with langchain4j's {@link dev.langchain4j.agent.tool.Tool} into
 * Quarry {@link Tool}s. The schema comes from langchain4j's own {@link ToolSpecifications}, so a class
 * written for {@code AiServices} works unchanged; arguments are converted to the parameter types with
 * Jackson; a {@link Policy} annotation sets the policy. A method without one counts as side-effecting: it
 * runs only after approval and is never retried.
 *
 * <p>Return values: a {@link ToolResult} is passed through, a {@code String} becomes the text, {@code void}
 * becomes "done", anything else is serialised as JSON.
 */
public final class AnnotatedTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AnnotatedTools() {}

    /** One tool per {@code @Tool} method of {@code target}; fails when there is none. */
    public static List<Tool> from(Object target) {
        Objects.requireNonNull(target, "target");
        List<Tool> tools = new ArrayList<>();
        for (Method method : target.getClass().getDeclaredMethods()) {
            if (method.isAnnotationPresent(dev.langchain4j.agent.tool.Tool.class)) {
                method.setAccessible(true);
                tools.add(new MethodTool(target, method));
            }
        }
        if (tools.isEmpty()) {
            throw new IllegalArgumentException(target.getClass().getName() + " has no method annotated with @Tool");
        }
        return List.copyOf(tools);
    }

    private static final class MethodTool implements Tool {
        private final Object target;
        private final Method method;
        private final ToolSpecification specification;
        private final ToolPolicy policy;

        MethodTool(Object target, Method method) {
            this.target = target;
            this.method = method;
            this.specification = ToolSpecifications.toolSpecificationFrom(method);
            this.policy = policyOf(method.getAnnotation(Policy.class));
        }

        private static ToolPolicy policyOf(Policy annotation) {
            if (annotation == null) {
                return ToolPolicy.sideEffects();
            }
            boolean idempotent = annotation.idempotent() && !annotation.sideEffecting();
            return new ToolPolicy(
                    annotation.sideEffecting(),
                    idempotent,
                    Duration.ofMillis(annotation.timeoutMillis()),
                    annotation.maxConcurrency());
        }

        @Override
        public ToolSpecification specification() {
            return specification;
        }

        @Override
        public ToolPolicy policy() {
            return policy;
        }

        @Override
        public ToolResult execute(ObjectNode arguments, ToolContext context) throws Exception {
            Parameter[] parameters = method.getParameters();
            Object[] values = new Object[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                JsonNode value = arguments.get(nameOf(parameters[i]));
                values[i] = value == null || value.isNull()
                        ? defaultFor(parameters[i].getType())
                        : JSON.convertValue(value, JSON.constructType(parameters[i].getParameterizedType()));
            }
            Object result;
            try {
                result = method.invoke(target, values);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
            return toResult(result);
        }

        private static String nameOf(Parameter parameter) {
            P p = parameter.getAnnotation(P.class);
            return p != null && !p.name().isEmpty() ? p.name() : parameter.getName();
        }

        private static Object defaultFor(Class<?> type) {
            if (!type.isPrimitive()) {
                return null;
            }
            if (type == boolean.class) {
                return false;
            }
            if (type == char.class) {
                return '\0';
            }
            return JSON.convertValue(0, type);
        }

        private ToolResult toResult(Object result) throws JsonProcessingException {
            if (method.getReturnType() == void.class) {
                return ToolResult.of("done");
            }
            return switch (result) {
                case null -> ToolResult.of("null");
                case ToolResult toolResult -> toolResult;
                case String text -> ToolResult.of(text);
                default -> ToolResult.of(JSON.writeValueAsString(result));
            };
        }
    }
}
