package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void escapeSequencesAndControlCharactersFromDocumentsNeverReachTheTerminal() {
        String hostile = "Report\u001B]0;pwned title\u0007 on turbines\u001B[2J\u001B[H"
                + "\u001B]52;c;Y3VybCBldmlsLmV4YW1wbGU=\u001B\\ done\u009B31m\u0000\r\nnext line\tand a tab";
        String clean = TerminalText.clean(hostile);
        assertThat(clean).isEqualTo("Report on turbines done\nnext line\tand a tab");
        assertThat(clean.chars()).noneMatch(c -> c < 0x20 && c != '\n' && c != '\t');
    }
}
