package dev.quarry.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/** The beans of a context that have langchain4j {@code @Tool} methods. */
final class ToolBeans {

    private ToolBeans() {}

    static List<Object> in(ListableBeanFactory beans, Collection<String> excluded) {
        List<Object> found = new ArrayList<>();
        for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
            Class<?> type = beans.getType(name, false);
            if (type == null || excluded.contains(name) || !hasToolMethods(ClassUtils.getUserClass(type))) {
                continue;
            }
            found.add(beans.getBean(name));
        }
        return found;
    }

    private static boolean hasToolMethods(Class<?> type) {
        boolean[] any = {false};
        ReflectionUtils.doWithMethods(
                type,
                (Method method) -> any[0] = true,
                method -> method.isAnnotationPresent(dev.langchain4j.agent.tool.Tool.class));
        return any[0];
    }
}
