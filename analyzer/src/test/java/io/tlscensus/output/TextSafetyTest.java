package io.tlscensus.output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextSafetyTest {
    // ---------------------------------------------------------------- terminal

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "www.example.com";
        assertSame(s, TextSafety.terminal(s), "the common case allocates nothing");
        assertEquals("bücher.例え.jp", TextSafety.terminal("bücher.例え.jp"), "printable non-ASCII is kept");
        assertEquals("-", TextSafety.terminal(null));
    }

    @Test
    void terminalEscapesCannotReachTheTerminal() {
        // an SNI that would recolour the terminal, rewrite the line and ring the bell
        assertEquals("\\x1b[31mred\\x1b[0m", TextSafety.terminal("\u001b[31mred\u001b[0m"));
        assertEquals("fake\\x0dreal", TextSafety.terminal("fake\rreal"));
        assertEquals("a\\x0ab", TextSafety.terminal("a\nb"));
        assertEquals("ding\\x07", TextSafety.terminal("ding\u0007"));
        assertEquals("\\x7f\\x9b", TextSafety.terminal("\u007f\u009b"), "DEL and the 8-bit CSI");
        assertEquals("\\x00", TextSafety.terminal("\0"));
    }

    @Test
    void backslashIsEscapedSoEscapesCannotBeForged() {
        assertEquals("\\x5cx1b", TextSafety.terminal("\\x1b"));
    }

    @Test
    void bidiOverridesAndInvisibleFormatCharactersAreEscaped() {
        // U+202E makes "moc.elgoog" display as "google.com"
        assertEquals("evil\\u202emoc.elgoog", TextSafety.terminal("evil\u202emoc.elgoog"));
        assertEquals("a\\u200db", TextSafety.terminal("a\u200db"));
        assertEquals("\\u2066x\\u2069", TextSafety.terminal("\u2066x\u2069"));
        assertEquals("\\ufeff", TextSafety.terminal("\ufeff"));
    }

    // ---------------------------------------------------------------- CSV

    @ParameterizedTest
    @ValueSource(strings = {"=HYPERLINK(\"http://x\")", "+1+cmd", "-2+3", "@SUM(A1)"})
    void formulaPrefixesAreNeutralisedAndQuoted(String cell) {
        String out = TextSafety.csv(cell);
        // A leading apostrophe makes spreadsheets show the text; quotes only where RFC 4180 needs them.
        String neutral = "'" + cell;
        assertEquals(cell.contains("\"") ? "\"" + neutral.replace("\"", "\"\"") + "\"" : neutral, out);
    }

    @Test
    void csvQuotesPerRfc4180() {
        assertEquals("example.com", TextSafety.csv("example.com"));
        assertEquals("\"a,b\"", TextSafety.csv("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", TextSafety.csv("say \"hi\""));
        assertEquals("a b", TextSafety.csv("a b"));
        assertEquals("'quoted", TextSafety.csv("'quoted"));
        assertEquals("", TextSafety.csv(null));
    }

    @Test
    void csvCellCannotBreakTheRow() {
        String out = TextSafety.csv("a\r\nb,\u001b");
        assertEquals("\"a\\x0d\\x0ab,\\x1b\"", out);
        assertTrue(out.chars().noneMatch(c -> c < 0x20));
    }

    @Test
    void tabOrCarriageReturnPrefixCannotStartAFormula() {
        // OWASP lists tab and CR as formula starts too; escaping makes them a backslash
        assertEquals("\\x09=1+1", TextSafety.csv("\t=1+1"));
        assertEquals("\\x0d=1+1", TextSafety.csv("\r=1+1"));
    }

    // ---------------------------------------------------------------- JSON

    @Test
    void jsonEscapesQuotesBackslashesAndControls() {
        assertEquals("\"a\\\"b\\\\c\"", TextSafety.json("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\"", TextSafety.json("\n\r\t"));
        assertEquals("\"\\u0000\\u001b\\u007f\"", TextSafety.json("\0\u001b\u007f"));
        // C1 CSI and bidi overrides would act on a terminal that shows the jsonl: escaped, same value
        assertEquals("\"\\u009b31m\\u202eab\\u202c\"", TextSafety.json("\u009b31m\u202eab\u202c"));
        assertEquals("null", TextSafety.json(null));
        assertEquals("\"bücher.例え\"", TextSafety.json("bücher.例え"));
    }

    @Test
    void jsonIsInertInsideHtmlAndJavaScript() {
        assertEquals("\"\\u003c/script\\u003e\\u0026amp;\"", TextSafety.json("</script>&amp;"));
        assertEquals("\"\\u2028\\u2029\"", TextSafety.json("\u2028\u2029"));
    }

    @Test
    void everyControlCharacterIsEscapedEverywhere() {
        for (char c = 0; c < 0x20; c++) {
            String s = "x" + c + "y";
            assertTrue(TextSafety.terminal(s).chars().noneMatch(ch -> ch < 0x20), "terminal " + (int) c);
            assertTrue(TextSafety.csv(s).chars().noneMatch(ch -> ch < 0x20), "csv " + (int) c);
            assertTrue(TextSafety.json(s).chars().noneMatch(ch -> ch < 0x20), "json " + (int) c);
        }
    }
}
