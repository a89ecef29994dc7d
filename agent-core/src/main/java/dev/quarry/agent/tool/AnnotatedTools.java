package dev.quarry.agent.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.internal.Json;
import dev.quarry.agent.error.ConfigurationException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns the methods of an object annotated with langchain4j's {@link dev.langchain4j.agent.tool.Tool} into
 * Quarry {@link Tool}s that behave as they do under {@code AiServices}: the schema comes from langchain4j's
 * own {@link ToolSpecifications}, and arguments and results go through langchain4j's own JSON codec, so
 * records, enums, {@code Optional}, collections and {@code java.time} types convert the same way and the
 * model reads the same result text. A {@link Policy} annotation sets the policy; a method without one counts
 * as side-effecting: it runs only after approval and is never retried.
 *
 * <p>Return values: a {@link ToolResult} is passed through, a {@code String} becomes the text, {@code void}
 * becomes "Success", an {@code Optional} its value (or "null"), anything else is serialised as JSON.
 *
 * <p>Parameter names come from {@code @P(name = ...)} or, without it, from the compiled class: compile with
 * {@code -parameters} (Maven: {@code <parameters>true</parameters>}), or {@link #from} fails.
 */
public final class AnnotatedTools {

    private AnnotatedTools() {}

    /** One tool per {@code @Tool} method of {@code target}; fails when there is none. */
    public static List<Tool> from(Object target) {
        Objects.requireNonNull(target, "target");
        List<Tool> tools = new ArrayList<>();
        for (Method method : target.getClass().getDeclaredMethods()) {
            if (method.isAnnotationPresent(dev.langchain4j.agent.tool.Tool.class)) {
                requireParameterNames(method);
                method.setAccessible(true);
                tools.add(new MethodTool(target, method));
            }
        }
        if (tools.isEmpty()) {
            throw new IllegalArgumentException(target.getClass().getName() + " has no method annotated with @Tool");
        }
        return List.copyOf(tools);
    }

    /** Without {@code -parameters} and {@code @P} names, the model would be asked for {@code arg0}. */
    private static void requireParameterNames(Method method) {
        for (Parameter parameter : method.getParameters()) {
            P p = parameter.getAnnotation(P.class);
            boolean named = p != null && !p.name().isEmpty();
            if (!named && !parameter.isNamePresent()) {
                throw new ConfigurationException("the parameters of @Tool method "
                        + method.getDeclaringClass().getName()
                        + "." + method.getName() + " have no names (the model would see arg0, arg1, ...): compile"
                        + " with -parameters (Maven: <parameters>true</parameters> in the compiler plugin), or name"
                        + " each one with @P(name = \"...\", value = \"...\")");
            }
        }
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
                        : convert(value, parameters[i]);
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

        /** An argument as the parameter's type, by langchain4j's codec; a mismatch is the model's to fix. */
        private static Object convert(JsonNode value, Parameter parameter) throws ToolException {
            if (parameter.getType() == String.class && value.isTextual()) {
                return value.asText();
            }
            try {
                return Json.fromJson(value.toString(), parameter.getParameterizedType());
            } catch (RuntimeException e) {
                throw new ToolException("argument " + nameOf(parameter) + " cannot be read as "
                        + parameter.getParameterizedType().getTypeName() + ": " + value);
            }
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
            return Json.fromJson("0", type);
        }

        private ToolResult toResult(Object result) {
            if (method.getReturnType() == void.class) {
                return ToolResult.of("Success");
            }
            return switch (result) {
                case ToolResult toolResult -> toolResult;
                case String text -> ToolResult.of(text);
                case null -> ToolResult.of("null");
                case java.util.Optional<?> optional ->
                    ToolResult.of(optional.map(v -> v instanceof String s ? s : Json.toJson(v))
                            .orElse("null"));
                default -> ToolResult.of(Json.toJson(result));
            };
        }
    }
}
