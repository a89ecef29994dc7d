package dev.quarry.agent.memory;

import java.util.regex.Pattern;

/** The form of a conversation id: safe as a file name and a database key. */
final class ConversationIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private ConversationIds() {}

    static String check(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a conversation id is 1 to 200 letters, digits, '.', '_' or '-'"
                    + " starting with a letter or digit; got " + (id == null ? "null" : "'" + id + "'"));
        }
        return id;
    }
}
