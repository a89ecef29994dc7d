package dev.quarry.agent.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.quarry.agent.error.ConversationStoreException;
import java.util.List;

/**
 * The stored form of a conversation: a JSON document naming its format and version, its id and revision,
 * and the messages in langchain4j's own message JSON.
 */
final class ConversationCodec {

    static final String FORMAT = "quarry-conversation";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConversationCodec() {}

    static String encode(Conversation conversation) {
        ObjectNode document = JSON.createObjectNode();
        document.put("format", FORMAT);
        document.put("version", VERSION);
        document.put("id", conversation.id());
        document.put("revision", conversation.revision());
        try {
            document.set("messages", JSON.readTree(ChatMessageSerializer.messagesToJson(conversation.messages())));
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new ConversationStoreException("conversation " + conversation.id() + " cannot be written as JSON", e);
        }
    }

    /** @param where the file or table, for the error message */
    static Conversation decode(String id, String stored, String where) {
        JsonNode document;
        try {
            document = JSON.readTree(stored);
        } catch (JsonProcessingException e) {
            throw corrupt(id, where, "it is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (document == null || !FORMAT.equals(document.path("format").asText())) {
            throw corrupt(id, where, "it is not a " + FORMAT + " document", null);
        }
        int version = document.path("version").asInt(-1);
        if (version != VERSION) {
            throw corrupt(
                    id,
                    where,
                    "it was written in format version " + version + " and this Quarry reads version " + VERSION
                            + (version > VERSION ? ": upgrade Quarry to continue it" : ""),
                    null);
        }
        if (!id.equals(document.path("id").asText())) {
            throw corrupt(
                    id, where, "it holds conversation '" + document.path("id").asText() + "'", null);
        }
        try {
            List<ChatMessage> messages =
                    ChatMessageDeserializer.messagesFromJson(JSON.writeValueAsString(document.path("messages")));
            return new Conversation(id, document.path("revision").asLong(), messages);
        } catch (RuntimeException | JsonProcessingException e) {
            throw corrupt(id, where, "its messages cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static ConversationStoreException corrupt(String id, String where, String why, Throwable cause) {
        return new ConversationStoreException(
                "conversation " + id + " in " + where + " cannot be continued: " + why
                        + "; the rest of the store is unaffected (delete this conversation to start it again)",
                cause);
    }
}
