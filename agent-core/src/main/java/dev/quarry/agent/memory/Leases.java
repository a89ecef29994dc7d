package dev.quarry.agent.memory;

import dev.quarry.agent.error.ConversationBusyException;

/** The messages every store gives when a conversation is busy. */
final class Leases {

    private Leases() {}

    static String busy(String id, String where) {
        return "conversation " + id + " is already running a task (in " + where
                + "); a conversation answers one task at a time: wait for that answer, or continue another"
                + " conversation";
    }

    static ConversationBusyException savedMeanwhile(String id, long stored, long saving) {
        return new ConversationBusyException("conversation " + id + " was saved by another run meanwhile (stored"
                + " revision " + stored + ", this run continued revision " + (saving - 1)
                + "); its answer was not added: run the task again to continue from the latest revision");
    }
}
