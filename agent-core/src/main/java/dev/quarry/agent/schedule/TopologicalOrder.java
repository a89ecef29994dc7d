package dev.quarry.agent.schedule;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders steps so each one's listed dependencies come before it (Kahn's algorithm, linear in steps and
 * edges); steps on a cycle come last, in their given order, and are skipped when submitted.
 */
final class TopologicalOrder {

    private TopologicalOrder() {}

    static List<Step> of(List<Step> steps) {
        Map<String, Integer> unmet = new HashMap<>();
        Map<String, List<Step>> dependents = new HashMap<>();
        Set<String> listed = new HashSet<>();
        steps.forEach(s -> listed.add(s.id()));
        for (Step step : steps) {
            int count = 0;
            for (String dependency : new HashSet<>(step.dependsOn())) {
                if (listed.contains(dependency)) {
                    count++;
                    dependents
                            .computeIfAbsent(dependency, d -> new ArrayList<>())
                            .add(step);
                }
            }
            unmet.put(step.id(), count);
        }
        List<Step> order = new ArrayList<>(steps.size());
        ArrayDeque<Step> ready = new ArrayDeque<>();
        steps.stream().filter(s -> unmet.get(s.id()) == 0).forEach(ready::add);
        Set<String> emitted = new HashSet<>();
        while (!ready.isEmpty()) {
            Step step = ready.poll();
            order.add(step);
            emitted.add(step.id());
            for (Step dependent : dependents.getOrDefault(step.id(), List.of())) {
                if (unmet.merge(dependent.id(), -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        steps.stream().filter(s -> !emitted.contains(s.id())).forEach(order::add);
        return order;
    }
}
