package dev.quarry.agent.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.error.ConversationStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a folder, and what a damaged file does. */
class FileConversationStoreTest extends ConversationStoreContract {

    @TempDir
    Path dir;

    private int stores;

    @Override
    ConversationStore store() {
        return FileConversationStore.in(dir.resolve("store-" + ++stores));
    }

    @Test
    void aCorruptFileIsAClearErrorAndTheOtherConversationsStillLoad() throws IOException {
        FileConversationStore store = FileConversationStore.in(dir.resolve("damaged"));
        store.save(Conversation.empty("good").next(EXCHANGE));
        Files.writeString(dir.resolve("damaged/bad.json"), "{\"format\": \"quarry-conversation\", \"vers");

        assertThatThrownBy(() -> store.load("bad"))
                .isInstanceOf(ConversationStoreException.class)
                .hasMessageContaining("conversation bad in " + dir.resolve("damaged/bad.json"))
                .hasMessageContaining("it is not JSON")
                .hasMessageContaining("the rest of the store is unaffected");
        assertThat(store.load("good").orElseThrow().messages()).isEqualTo(EXCHANGE);
    }

    @Test
    void aConversationWrittenByANewerFormatIsRefusedNamingTheVersions() throws IOException {
        FileConversationStore store = FileConversationStore.in(dir.resolve("future"));
        Files.writeString(
                dir.resolve("future/next.json"),
                "{\"format\":\"quarry-conversation\",\"version\":2,\"id\":\"next\",\"revision\":4,\"messages\":[]}");

        assertThatThrownBy(() -> store.load("next"))
                .isInstanceOf(ConversationStoreException.class)
                .hasMessageContaining("written in format version 2 and this Quarry reads version 1")
                .hasMessageContaining("upgrade Quarry");
    }

    @Test
    void twoStoresOnOneFolderShareConversationsAndRefuseEachOthersRuns() {
        FileConversationStore first = FileConversationStore.in(dir.resolve("shared"));
        FileConversationStore second = FileConversationStore.in(dir.resolve("shared"));
        first.save(Conversation.empty("s").next(EXCHANGE));

        assertThat(second.load("s").orElseThrow().messages()).isEqualTo(EXCHANGE);
        try (ConversationStore.Lease held = first.lease("s")) {
            assertThatThrownBy(() -> second.lease("s"))
                    .hasMessageContaining("conversation s is already running a task");
        }
    }
}
