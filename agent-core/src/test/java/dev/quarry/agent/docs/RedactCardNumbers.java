package dev.quarry.agent.docs;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import java.util.List;
import java.util.regex.Pattern;

/** Replaces card numbers in what the user wrote before any model sees it. */
public final class RedactCardNumbers implements ModelInterceptor {

    private static final Pattern CARD = Pattern.compile("\\b\\d(?:[ -]?\\d){12,15}\\b");

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        List<ChatMessage> messages = call.request().messages().stream()
                .map(m -> m instanceof UserMessage user && user.hasSingleText()
                        ? UserMessage.from(CARD.matcher(user.singleText()).replaceAll("[card]"))
                        : m)
                .toList();
        return chain.proceed(
                call.withRequest(call.request().toBuilder().messages(messages).build()));
    }
}
