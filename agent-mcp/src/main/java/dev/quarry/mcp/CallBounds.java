package dev.quarry.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The limits every served call runs under: how long it may take and how much text its client gets. */
record CallBounds(Duration timeout, int maxResultChars) {

    static CallBounds of(McpHttpOptions options) {
        return new CallBounds(options.callTimeout(), options.maxResultChars());
    }

    /** The result with each text cut at {@link #maxResultChars()}, saying how much was left out. */
    McpSchema.CallToolResult cut(McpSchema.CallToolResult result) {
        if (result.content() == null
                || result.content().stream()
                        .noneMatch(c ->
                                c instanceof McpSchema.TextContent t && t.text().length() > maxResultChars)) {
            return result;
        }
        List<McpSchema.Content> content = new ArrayList<>();
        for (McpSchema.Content part : result.content()) {
            if (part instanceof McpSchema.TextContent text && text.text().length() > maxResultChars) {
                content.add(new McpSchema.TextContent(text.text().substring(0, maxResultChars)
                        + "\n[cut: " + (text.text().length() - maxResultChars) + " more characters not sent;"
                        + " the server's limit is " + maxResultChars + "]"));
            } else {
                content.add(part);
            }
        }
        return McpSchema.CallToolResult.builder()
                .content(content)
                .isError(result.isError())
                .build();
    }
}
