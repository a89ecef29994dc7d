package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.agent.AgentResult;
import dev.quarry.offline.OfflineModel;
import org.junit.jupiter.api.Test;

class AssistantTest {

    @Test
    void answersFromTheConsumersOwnTool() {
        AgentResult result = Assistant.withModel(new OfflineModel())
                .run("What is the status of order A-17? What is the status of order B-42?");

        assertEquals(2, result.steps().size(), result.toString());
        assertTrue(result.answer().contains("Order A-17 shipped on Monday. [search]"), result.answer());
        assertTrue(result.answer().contains("Order B-42 is waiting for payment. [search]"), result.answer());
    }
}
