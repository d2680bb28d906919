package io.tlscensus.output;

/**
 * Strings such as SNI and ALPN come from the network: an attacker chooses them. These make them
 * inert wherever they are written.
 */
public final class TextSafety {
    private TextSafety() {
    }

    /** For a terminal: control characters (ESC sequences, CR, BEL...) and backslashes escaped as \xNN. */
    public static String terminal(String s) {
        if (s == null) return "-";
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean unsafe = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\\'
                    || Character.getType(c) == Character.FORMAT; // bidi overrides and the like
            if (unsafe && sb == null) sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (sb == null) continue;
            if (unsafe) sb.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * For a CSV cell (RFC 4180 quoting) that a spreadsheet will open: a cell starting with = + - @
     * (or tab/CR) would run as a formula, so it gets a leading apostrophe (OWASP's advice).
     * Control characters are escaped as on the terminal.
     */
    public static String csv(String s) {
        if (s == null) return "";
        String t = terminal(s);
        if (!t.isEmpty() && "=+-@".indexOf(t.charAt(0)) >= 0) t = "'" + t;
        if (t.indexOf(',') >= 0 || t.indexOf('"') >= 0) {
            t = '"' + t.replace("\"", "\"\"") + '"';
        }
        return t;
    }

    /**
     * A JSON string literal (RFC 8259), quotes included; null becomes JSON null. Everything a
     * terminal or an HTML page would act on is a \\u escape, so the text is inert but parses back
     * to the same string.
     */
    public static String json(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    // Escape controls, and < > & so a JSON line pasted into HTML stays inert. C1
                    // controls (U+009B is CSI) and bidi overrides too: `cat census.jsonl` on a terminal
                    // must not run escape sequences or reorder what is shown. The value is unchanged.
                    if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029
                            || (c >= 0x80 && c < 0xa0) || Character.getType(c) == Character.FORMAT) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }

    /** A JSON value: null, a string (as {@link #json}), a collection of values, a number or boolean; else its text. */
    public static void jsonValue(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            sb.append(json((String) v));
        } else if (v instanceof java.util.Collection) {
            sb.append('[');
            boolean first = true;
            for (Object o : (java.util.Collection<?>) v) {
                if (!first) sb.append(", ");
                first = false;
                jsonValue(sb, o);
            }
            sb.append(']');
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            sb.append(json(v.toString())); // anything else is written as its text
        }
    }
}
