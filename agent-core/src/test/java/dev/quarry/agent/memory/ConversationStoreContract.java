package dev.quarry.agent.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.quarry.agent.error.ConversationBusyException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link ConversationStore} does; each store's test supplies a fresh store. */
abstract class ConversationStoreContract {

    /** A fresh, empty store. */
    abstract ConversationStore store();

    static final List<ChatMessage> EXCHANGE = List.of(
            UserMessage.from("population of Lyon?"),
            AiMessage.from(List.of(ToolExecutionRequest.builder()
                    .id("t1")
                    .name("lookup")
                    .arguments("{\"q\":\"Lyon\"}")
                    .build())),
            ToolExecutionResultMessage.from("t1", "lookup", "Lyon: 522,250"),
            AiMessage.from("About 522,000."));

    @Test
    void aSavedConversationLoadsWithEveryMessageAndItsRevision() {
        ConversationStore store = store();
        assertThat(store.load("c-1")).isEmpty();

        Conversation saved = Conversation.empty("c-1").next(EXCHANGE);
        store.save(saved);

        Conversation loaded = store.load("c-1").orElseThrow();
        assertThat(loaded.revision()).isEqualTo(1);
        assertThat(loaded.messages()).isEqualTo(EXCHANGE);
        store.save(loaded.next(List.of(UserMessage.from("again"))));
        assertThat(store.load("c-1").orElseThrow().revision()).isEqualTo(2);
    }

    @Test
    void aSaveOnAStaleRevisionIsRefusedAndLosesNothing() {
        ConversationStore store = store();
        Conversation first = Conversation.empty("c-2").next(EXCHANGE);
        store.save(first);
        store.save(first.next(List.of(UserMessage.from("newer"))));

        assertThatThrownBy(() -> store.save(first.next(List.of(UserMessage.from("stale")))))
                .isInstanceOf(ConversationBusyException.class)
                .hasMessageContaining("conversation c-2 was saved by another run meanwhile")
                .hasMessageContaining("stored revision 2");
        assertThat(store.load("c-2").orElseThrow().messages()).containsExactly(UserMessage.from("newer"));
    }

    @Test
    void aLeasedConversationRefusesASecondRunUntilReleased() {
        ConversationStore store = store();
        try (ConversationStore.Lease held = store.lease("c-3")) {
            assertThatThrownBy(() -> store.lease("c-3"))
                    .isInstanceOf(ConversationBusyException.class)
                    .hasMessageContaining("conversation c-3 is already running a task");
            try (ConversationStore.Lease other = store.lease("c-4")) {
                assertThat(other).isNotNull();
            }
        }
        try (ConversationStore.Lease again = store.lease("c-3")) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void deleteForgetsOneConversationOnly() {
        ConversationStore store = store();
        store.save(Conversation.empty("keep").next(EXCHANGE));
        store.save(Conversation.empty("drop").next(EXCHANGE));

        store.delete("drop");
        store.delete("never-saved");

        assertThat(store.load("drop")).isEmpty();
        assertThat(store.load("keep")).isPresent();
        store.save(Conversation.empty("drop").next(List.of(UserMessage.from("fresh"))));
        assertThat(store.load("drop").orElseThrow().revision()).isEqualTo(1);
    }

    @Test
    void idsAreCheckedAndSystemMessagesAreNotStored() {
        ConversationStore store = store();
        assertThatThrownBy(() -> store.load("../etc/passwd")).hasMessageContaining("a conversation id is 1 to 200");
        assertThatThrownBy(() -> Conversation.empty("c").next(List.of(SystemMessage.from("x"))))
                .hasMessageContaining("holds a system message");
    }
}
