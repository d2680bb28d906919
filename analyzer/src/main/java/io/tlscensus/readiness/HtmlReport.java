package io.tlscensus.readiness;

import io.tlscensus.engine.CaptureStats;
import io.tlscensus.output.ConnectionFields;
import io.tlscensus.tls.TlsVersion;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The readiness report as one self-contained HTML page: inline CSS, a few lines of inline script
 * (sorting tables by a click on a header), the version mix over time as inline SVG drawn here. It
 * loads nothing from the network and works offline. Every string from the network (SNI, ALPN,
 * addresses, fingerprint names, file names) goes through {@link #esc}.
 *
 * <p>The script sets {@code data-report-script="ok"} on {@code <html>} when it has run; an error
 * anywhere in the page's scripts sets it to {@code "error"} (tests read it from the DOM).
 */
public final class HtmlReport {
    /** Rows per table; the csv/jsonl/Parquet output has them all. */
    public static final int MAX_ROWS = 500;
    /** Colours per version bucket: legacy in warm colours, modern in cool ones. */
    private static final String[] COLOURS = {"#7f0000", "#b30000", "#e34a33", "#fc8d59", "#4393c3", "#2166ac",
            "#fdbb84", "#92c5de", "#053061", "#999999", "#cccccc"};

    private HtmlReport() {
    }

    public static void write(Readiness r, CaptureStats stats, List<String> inputs, String version, PrintWriter out) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\" data-report-script=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                        + "script-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>TLS 1.2 readiness</title>\n<style>").append(CSS).append("</style>\n")
                .append("<script>window.onerror=function(){document.documentElement.setAttribute('data-report-script','error');};</script>\n")
                .append("</head>\n<body>\n<h1>TLS 1.2 readiness</h1>\n");
        h.append("<p class=\"lead\">Who breaks when SSLv3, TLS 1.0, TLS 1.1 and DTLS 1.0 are switched off, and who must act. "
                + "Made by tlscensus ").append(esc(version)).append(" from ").append(inputs.size())
                .append(inputs.size() == 1 ? " capture" : " captures").append(".</p>\n");
        verdicts(h, r);
        chart(h, r);
        clients(h, r);
        servers(h, "Servers (IP:port)", "servers", r.servers(), true);
        servers(h, "Server names (SNI)", "snis", r.snis(), false);
        refusals(h, r);
        software(h, r);
        statistics(h, stats, inputs);
        h.append("<h2>How to read this</h2>\n<ul class=\"notes\">\n")
                .append("<li><b>will break</b>: the client never offered TLS 1.2 or higher: it cannot connect once the old versions are off.</li>\n")
                .append("<li><b>server-side legacy</b>: the client offers TLS 1.2+ but a server (or proxy) chose a legacy version: fix that server.</li>\n")
                .append("<li>A server's <b>best negotiated</b> version is the highest it gave any client; a server that gave TLS 1.2 to one client and TLS 1.0 to another supports TLS 1.2, and its legacy connections are the clients' limit (<b>legacy for old clients</b>) unless it talked down a client that offered more (<b>talks clients down</b>).</li>\n")
                .append("<li><b>unknown</b>: no ServerHello was seen (refused, aborted, or not captured); never guessed from the client's offer.</li>\n")
                .append("<li><b>refused</b>: the handshake carried an alert protocol_version (70) or handshake_failure (40).</li>\n")
                .append("<li><b>retries</b>: a connection offering a lower maximum version within 60 s after a failed one to the same server and SNI; <b>SCSV</b>: the ClientHello carried TLS_FALLBACK_SCSV (RFC 7507).</li>\n")
                .append("<li>Software names come from a table of ClientHello fingerprints (JA3/JA4) shipped with tlscensus and any given with <code>--fingerprints</code>; fingerprints not in the table are listed unnamed, never guessed.</li>\n")
                .append("<li>Click a column header to sort; click again to reverse.</li>\n</ul>\n");
        h.append("<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        out.print(h);
    }

    private static void verdicts(StringBuilder h, Readiness r) {
        h.append("<h2>Verdicts</h2>\n<div class=\"cards\">\n");
        for (Map.Entry<Readiness.ClientVerdict, Long> e : r.clientVerdicts().entrySet()) {
            if (e.getKey() == Readiness.ClientVerdict.UNKNOWN && e.getValue() == 0) continue;
            card(h, "clients " + e.getKey().label, e.getValue(), e.getKey().name().toLowerCase(Locale.ROOT));
        }
        for (Map.Entry<Readiness.ServerVerdict, Long> e : r.serverVerdicts().entrySet()) {
            if (e.getValue() == 0) continue;
            card(h, "servers " + e.getKey().label, e.getValue(), "s-" + e.getKey().name().toLowerCase(Locale.ROOT));
        }
        card(h, "clients refused", r.clients().stream().filter(c -> c.refused > 0).count(), "refused");
        card(h, "clients retrying lower", r.downgradeRetryClients(), "retry");
        card(h, "connections unknown", r.clients().stream().mapToLong(Readiness.Entry::unknownConnections).sum(), "unknown");
        h.append("</div>\n");
    }

    private static void card(StringBuilder h, String label, long n, String cls) {
        h.append("<div class=\"card ").append(cls).append("\"><span class=\"n\">").append(n).append("</span> ")
                .append(esc(label)).append("</div>\n");
    }

    /** Stacked bars of connections per negotiated version, per hour (or per day beyond 72 hours). */
    private static void chart(StringBuilder h, Readiness r) {
        TreeMap<Long, long[]> series = r.hours();
        boolean daily = !series.isEmpty() && series.lastKey() - series.firstKey() >= 72;
        if (daily) series = r.days();
        long unit = daily ? 24 * Readiness.MICROS_PER_HOUR : Readiness.MICROS_PER_HOUR;
        h.append("<h2>Version mix over time (per ").append(daily ? "day" : "hour").append(", UTC)</h2>\n");
        if (series.isEmpty()) {
            h.append("<p>No TLS connections.</p>\n");
            return;
        }
        List<Integer> buckets = new ArrayList<>();
        long max = 1;
        for (long[] counts : series.values()) {
            long total = 0;
            for (int b = 0; b < counts.length; b++) {
                total += counts[b];
                if (counts[b] > 0 && !buckets.contains(b)) buckets.add(b);
            }
            max = Math.max(max, total);
        }
        buckets.sort(null);
        // Every period from the first to the last, also the empty ones, so gaps show.
        long first = series.firstKey(), last = series.lastKey();
        int n = (int) Math.min(last - first + 1, 2000);
        int width = 900, height = 260, left = 50, bottom = 40, top = 10;
        double slot = (double) (width - left - 10) / n;
        double bar = Math.max(1, slot * 0.8);
        h.append("<svg id=\"mix-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(width)
                .append(' ').append(height + 30).append("\" role=\"img\" aria-label=\"connections per negotiated version over time\">\n");
        int plot = height - bottom - top;
        for (int i = 0; i <= 4; i++) {
            double y = top + plot - plot * i / 4.0;
            h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>", left, y, width - 10, y))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>%n",
                            left - 4, y + 4, Math.round(max * i / 4.0)));
        }
        int labelEvery = Math.max(1, n / 8);
        for (int i = 0; i < n; i++) {
            long period = first + i;
            long[] counts = series.get(period);
            double x = left + i * slot + (slot - bar) / 2;
            double y = top + plot;
            long total = 0;
            if (counts != null) {
                for (int b : buckets) {
                    if (counts[b] == 0) continue;
                    total += counts[b];
                    double bh = plot * (double) counts[b] / max;
                    y -= bh;
                    h.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                            + "<title>%s %s: %d</title></rect>", x, y, bar, bh, COLOURS[b], periodLabel(period, unit, daily),
                            TlsVersion.BUCKETS[b], counts[b]));
                }
            }
            if (i % labelEvery == 0) {
                h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>",
                        x + bar / 2, top + plot + 16, periodLabel(period, unit, daily)));
            }
            h.append('\n');
        }
        double lx = left;
        for (int b : buckets) {
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" class=\"legend\">%s</text>%n", lx, height + 2, COLOURS[b], lx + 16, height + 12,
                    TlsVersion.BUCKETS[b].equals("none") ? "unknown (no ServerHello)" : TlsVersion.BUCKETS[b]));
            lx += TlsVersion.BUCKETS[b].equals("none") ? 190 : 90;
        }
        h.append("</svg>\n");
        // The same numbers as a table, for reading exact values and for screen readers.
        h.append("<details><summary>Numbers</summary>\n<table class=\"sortable\" id=\"mix-table\"><thead><tr><th>")
                .append(daily ? "day" : "hour").append(" (UTC)</th><th>connections</th><th>legacy %</th>");
        for (int b : buckets) h.append("<th>").append(TlsVersion.BUCKETS[b]).append("</th>");
        h.append("</tr></thead><tbody>\n");
        series.forEach((period, counts) -> {
            long total = 0, legacy = 0;
            for (long c : counts) total += c;
            for (int b : TlsVersion.LEGACY_BUCKETS) legacy += counts[b];
            h.append("<tr><td>").append(periodLabel(period, unit, daily)).append("</td><td>").append(total).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", total == 0 ? 0.0 : 100.0 * legacy / total)).append("</td>");
            for (int b : buckets) h.append("<td>").append(counts[b]).append("</td>");
            h.append("</tr>\n");
        });
        h.append("</tbody></table></details>\n");
    }

    private static String periodLabel(long period, long unit, boolean daily) {
        String t = ConnectionFields.timestamp(period * unit);
        return daily ? t.substring(0, 10) : t.substring(0, 10) + " " + t.substring(11, 13) + "h";
    }

    private static void clients(StringBuilder h, Readiness r) {
        List<Readiness.Client> clients = r.clients();
        h.append("<h2>Clients</h2>\n");
        tableStart(h, "clients", "client", "verdict", "connections", "max offered", "best negotiated", "legacy",
                "unknown", "refused", "retries", "SCSV", "talked down by", "software", "last seen");
        int shown = 0;
        for (Readiness.Client c : clients) {
            if (shown++ == MAX_ROWS) break;
            h.append("<tr class=\"").append(c.verdict().name().toLowerCase(Locale.ROOT)).append("\">");
            td(h, c.key);
            td(h, c.verdict().label);
            num(h, c.connections);
            td(h, TlsVersion.name(c.maxOffered));
            td(h, TlsVersion.name(c.highestNegotiated));
            num(h, c.legacyConnections());
            num(h, c.unknownConnections());
            num(h, c.refused);
            num(h, c.downgradeRetries);
            num(h, c.fallbackScsv);
            td(h, list(c.talkedDownBy));
            td(h, list(c.software));
            td(h, time(c.lastSeenMicros));
            h.append("</tr>\n");
        }
        tableEnd(h, clients.size());
    }

    private static void servers(StringBuilder h, String title, String id, List<Readiness.Server> servers, boolean withSnis) {
        h.append("<h2>").append(title).append("</h2>\n");
        List<String> headers = new ArrayList<>(List.of(withSnis ? "server" : "SNI", "transport", "verdict", "connections",
                "clients", "legacy", "legacy versions (connections/clients)", "legacy clients", "best negotiated",
                "talked down", "unknown", "refused"));
        if (withSnis) headers.add("SNIs");
        headers.add("last seen");
        tableStart(h, id, headers.toArray(new String[0]));
        int shown = 0;
        for (Readiness.Server s : servers) {
            if (shown++ == MAX_ROWS) break;
            h.append("<tr class=\"s-").append(s.verdict().name().toLowerCase(Locale.ROOT)).append("\">");
            td(h, s.key);
            td(h, s.transport);
            td(h, s.verdict().label);
            num(h, s.connections);
            num(h, s.clients.size());
            num(h, s.legacyConnections());
            List<String> versions = new ArrayList<>();
            s.legacyClients.forEach((b, cl) -> versions.add(TlsVersion.BUCKETS[b] + " " + s.negotiated[b] + "/" + cl.size()));
            td(h, String.join(", ", versions));
            num(h, s.legacyClientCount());
            td(h, TlsVersion.name(s.highestNegotiated));
            num(h, s.talkedDown);
            num(h, s.unknownConnections());
            num(h, s.refused);
            if (withSnis) td(h, list(s.snis));
            td(h, time(s.lastSeenMicros));
            h.append("</tr>\n");
        }
        tableEnd(h, servers.size());
    }

    private static void refusals(StringBuilder h, Readiness r) {
        List<Readiness.Refusal> refusals = r.refusals();
        h.append("<h2>Clients already refused</h2>\n");
        tableStart(h, "refused", "client", "server", "SNI", "connections", "max offered", "alerts", "last seen");
        int shown = 0;
        for (Readiness.Refusal f : refusals) {
            if (shown++ == MAX_ROWS) break;
            h.append("<tr>");
            td(h, f.client);
            td(h, f.server);
            td(h, f.sni);
            num(h, f.connections);
            td(h, TlsVersion.name(f.maxOffered));
            List<String> names = new ArrayList<>();
            for (int a : f.alerts) names.add(ReadinessText.alertName(a));
            td(h, String.join(", ", names));
            td(h, time(f.lastSeenMicros));
            h.append("</tr>\n");
        }
        tableEnd(h, refusals.size());
    }

    private static void software(StringBuilder h, Readiness r) {
        List<Readiness.Software> software = r.software();
        h.append("<h2>Client software (ClientHello fingerprints)</h2>\n");
        tableStart(h, "software", "name", "verdict", "clients", "connections", "max offered", "JA3", "JA4", "source");
        int shown = 0;
        for (Readiness.Software s : software) {
            if (shown++ == MAX_ROWS) break;
            h.append("<tr>");
            td(h, s.name() != null ? s.name() : s.ja3 == null && s.ja4 == null ? s.key : "(not in the table)");
            td(h, s.verdictLabel());
            num(h, s.clients.size());
            num(h, s.connections);
            td(h, TlsVersion.name(s.maxOffered));
            td(h, s.ja3);
            td(h, s.ja4);
            td(h, s.match == null ? null : s.match.source());
            h.append("</tr>\n");
        }
        tableEnd(h, software.size());
    }

    private static void statistics(StringBuilder h, CaptureStats s, List<String> inputs) {
        h.append("<h2>Capture statistics</h2>\n<table id=\"stats\" class=\"stats\"><tbody>\n");
        stat(h, "captures read", s.inputs + " (" + s.damagedInputs + " damaged or unreadable)");
        stat(h, "packets", s.packets + " (" + s.tcpPackets + " TCP, " + s.udpPackets + " UDP, " + s.tunneledPackets + " tunneled)");
        stat(h, "bytes on the wire", Long.toString(s.bytes));
        stat(h, "flows", s.flows + " (peak " + s.peakFlows + ", evicted " + s.evictedIdle + " idle, " + s.evictedForSpace + " for space)");
        stat(h, "TLS connections", Long.toString(s.tlsConnections));
        stat(h, "malformed", s.malformedPackets + " packets, " + s.tlsMalformed + " TLS, " + s.truncatedSegments
                + " truncated segments, " + s.reassemblyLimitHits + " reassembly limit hits");
        stat(h, "skipped", s.nonIpPackets + " non-IP, " + s.otherIpPackets + " other IP, " + s.unsupportedLinkPackets
                + " unsupported link; " + s.fragments + " IP fragments");
        stat(h, "inputs", String.join(", ", inputs.subList(0, Math.min(inputs.size(), 50)))
                + (inputs.size() > 50 ? ", +" + (inputs.size() - 50) + " more" : ""));
        h.append("</tbody></table>\n");
    }

    private static void stat(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void tableStart(StringBuilder h, String id, String... headers) {
        h.append("<table class=\"sortable\" id=\"").append(id).append("\"><thead><tr>");
        for (String s : headers) h.append("<th>").append(esc(s)).append("</th>");
        h.append("</tr></thead><tbody>\n");
    }

    private static void tableEnd(StringBuilder h, int rows) {
        h.append("</tbody></table>\n");
        if (rows == 0) h.append("<p class=\"empty\">None.</p>\n");
        if (rows > MAX_ROWS) {
            h.append("<p class=\"more\">").append(rows - MAX_ROWS)
                    .append(" more rows not shown: see <code>--readiness --format csv</code> or the Parquet readiness dataset.</p>\n");
        }
    }

    private static void td(StringBuilder h, String s) {
        h.append("<td>").append(s == null ? "–" : esc(s)).append("</td>");
    }

    private static void num(StringBuilder h, long n) {
        h.append("<td class=\"num\">").append(n).append("</td>");
    }

    private static String list(Readiness.Bounded b) {
        return String.join(", ", b.values) + (b.more > 0 ? ", +" + b.more + " more" : "");
    }

    private static String time(long micros) {
        return micros == Long.MIN_VALUE ? null : ConnectionFields.timestamp(micros).substring(0, 19).replace('T', ' ');
    }

    /** HTML escaping of & &lt; &gt; " ' (text and attribute values alike). */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': sb.append("&amp;"); break;
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default:
                    // Controls would be invalid in HTML; show them as the terminal does.
                    if (c < 0x20 && c != '\t' || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String CSS = String.join("\n",
            "body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:1.5em;color:#222;max-width:1400px}",
            "h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}",
            ".lead{color:#555}",
            ".cards{display:flex;flex-wrap:wrap;gap:.6em}",
            ".card{border:1px solid #ccc;border-radius:6px;padding:.5em .9em;background:#fafafa}",
            ".card .n{font-size:1.6em;font-weight:bold}",
            ".card.will_break,.card.s-legacy_only{border-color:#b30000;background:#fde0dc}",
            ".card.server_side_legacy,.card.s-talks_down{border-color:#e34a33;background:#fff0e0}",
            ".card.ready,.card.s-modern{border-color:#2166ac;background:#e6f0fa}",
            "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}",
            "th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top;word-break:break-word}",
            "th{background:#f0f0f0}",
            "table.sortable th{cursor:pointer;user-select:none}",
            "th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}",
            "td.num{text-align:right;font-variant-numeric:tabular-nums}",
            "tr.will_break td:nth-child(2),tr.s-legacy_only td:nth-child(3){color:#b30000;font-weight:bold}",
            "tr.server_side_legacy td:nth-child(2),tr.s-talks_down td:nth-child(3){color:#c04000;font-weight:bold}",
            ".chart{width:100%;max-width:900px;height:auto;border:1px solid #eee}",
            ".chart .grid{stroke:#eee}.chart .axis,.chart .legend{font-size:11px;fill:#444}",
            ".notes li{margin:.2em 0}.empty,.more{color:#777}",
            "code{background:#f4f4f4;padding:0 .2em}");

    /** Sorting by a click on a header: numbers as numbers, else text. Marks the page as rendered. */
    private static final String SCRIPT = String.join("\n",
            "(function(){",
            "function key(td){var t=td?td.textContent.trim():'';var n=Number(t);return t!==''&&!isNaN(n)?n:t.toLowerCase();}",
            "function sort(table,col,th){",
            " var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);",
            " var dir=th.classList.contains('asc')?-1:1;",
            " Array.prototype.forEach.call(th.parentNode.children,function(h){h.classList.remove('asc','desc');});",
            " th.classList.add(dir>0?'asc':'desc');",
            " rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);",
            "  if(typeof x!==typeof y){x=String(x);y=String(y);}return (x<y?-1:x>y?1:0)*dir;});",
            " rows.forEach(function(r){body.appendChild(r);});",
            "}",
            "var tables=document.querySelectorAll('table.sortable');",
            "Array.prototype.forEach.call(tables,function(table){",
            " Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){",
            "  th.addEventListener('click',function(){sort(table,i,th);});",
            " });",
            "});",
            "var root=document.documentElement;",
            "if(root.getAttribute('data-report-script')!=='error'){root.setAttribute('data-report-script','ok');}",
            "root.setAttribute('data-sortable-tables',String(tables.length));",
            "})();");
}
