package dev.quarry.examples;

import java.util.regex.Pattern;

/**
 * Text from documents or a model made safe to print: escape sequences (ANSI CSI and OSC, such as a title
 * change, a screen clear or an OSC 52 clipboard write) and other control characters are removed, keeping
 * line breaks and tabs. A document cannot drive the user's terminal through {@code quarry}.
 */
final class TerminalText {

    private static final Pattern ESCAPES = Pattern.compile(
            "\\u001B\\][^\\u0007\\u001B]*(?:\\u0007|\\u001B\\\\)?" // OSC ... BEL or ST
                    + "|\\u001B\\[[0-?]*[ -/]*[@-~]" // CSI
                    + "|\\u001B[@-Z\\\\-_]" // other two-character escapes
                    + "|\\u009B[0-?]*[ -/]*[@-~]" // 8-bit CSI
                    + "|[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]");

    private TerminalText() {}

    static String clean(String text) {
        return text == null ? "" : ESCAPES.matcher(text).replaceAll("");
    }
}
