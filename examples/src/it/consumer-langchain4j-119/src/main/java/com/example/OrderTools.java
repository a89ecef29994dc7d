package com.example;

import dev.langchain4j.agent.tool.Tool;
import dev.quarry.agent.tool.Policy;
import java.util.Map;

/** A consumer's own tool: its parameter is named by -parameters, as the README says. */
public class OrderTools {

    private static final Map<String, String> STATUS = Map.of(
            "A-17", "Order A-17 shipped on Monday.",
            "B-42", "Order B-42 is waiting for payment.");

    /** Looks an order up; the offline model calls a tool named search with a query. */
    @Tool("Finds the status of an order")
    @Policy(sideEffecting = false)
    public String search(String query) {
        return STATUS.entrySet().stream()
                .filter(e -> query.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("No such order.");
    }
}
