package io.tlscensus.readiness;

import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tlscensus.readiness.SyntheticCapture.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The --report page opened in headless Chromium: it must render the tables and the chart, its
 * script must run without errors (the page marks {@code data-report-script="ok"}; any error flips
 * it to "error"), and an SNI carrying markup must stay text. The screenshot is kept as
 * analyzer/target/readiness-report.png. In CI (CI=true) a missing chromium fails; elsewhere the
 * test is skipped with a message.
 */
class HtmlReportChromiumTest {
    private static final String EVIL_SNI = "<script>document.title='pwned'</script>";
    private static final String EVIL_SNI2 = "\"><img src=x onerror=\"document.title='pwned2'\">";

    @TempDir
    static Path dir;
    static Path report;
    static String html;

    @BeforeAll
    static void makeReport() throws Exception {
        Path pcap = dir.resolve("evil.pcap");
        long t0 = 1_700_000_000_000_000L;
        try (SyntheticCapture c = new SyntheticCapture(pcap)) {
            c.connection(t0, 20, 443, hello(0x0301, EVIL_SNI), 0x0301, 0);
            c.connection(t0 + 1_000_000, 21, 443, hello(0x0304, EVIL_SNI2), 0x0304, 0);
            c.connection(t0 + 7_200_000_000L, 22, 443, hello(0x0304, "later.example"), 0x0301, 0);
        }
        report = Path.of("target", "readiness-report.html");
        CliRun run = CliRun.of("-q", "-r", pcap.toString(), "-r", TestInputs.samples().resolve("legacy-mix.pcap").toString(),
                "--report", report.toString(), "--format", "csv");
        assertEquals(0, run.exitStatus, run.toString());
        html = Files.readString(report, StandardCharsets.UTF_8);
    }

    @Test
    void networkStringsAreEscapedInTheFile() {
        assertFalse(html.contains(EVIL_SNI), "raw SNI markup in the page");
        assertFalse(html.contains("<img"), "no element from an SNI");
        assertTrue(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"), "SNI shown as text");
        assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=&quot;document.title=&#39;pwned2&#39;&quot;&gt;"));
    }

    @Test
    void theFileIsSelfContained() {
        assertFalse(html.contains("<link"), "no stylesheet links");
        assertFalse(Pattern.compile("<script[^>]").matcher(html).find(), "only inline scripts");
        assertFalse(Pattern.compile("\\s(src|href)\\s*=\\s*[\"']").matcher(html).find(), "nothing fetched");
        assertFalse(html.contains("url("), "no CSS fetches");
        assertTrue(html.contains("default-src 'none'"), "a CSP that forbids fetching");
    }

    @Test
    void chromiumRendersTablesAndChartWithoutScriptErrors() throws Exception {
        String dom = chromium(report, "--dump-dom");
        assertTrue(dom.contains("data-report-script=\"ok\""), "page script ran without error:\n" + head(dom));
        assertTrue(dom.contains("data-sortable-tables=\"6\""), head(dom));
        assertTrue(dom.contains("<title>TLS 1.2 readiness</title>"), "an SNI did not change the title");
        for (String id : List.of("clients", "servers", "snis", "refused", "software", "mix-table", "stats", "mix-chart")) {
            assertTrue(dom.contains("id=\"" + id + "\""), id);
        }
        Matcher bars = Pattern.compile("<rect class=\"bar\"").matcher(dom);
        int n = 0;
        while (bars.find()) n++;
        assertTrue(n >= 3, "stacked bars for two hours: " + n);
        assertTrue(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "the SNI is text in the DOM");
        assertFalse(dom.contains("<img"), "no element made from an SNI");
        assertTrue(dom.contains("<td>will break</td>"));
        assertTrue(dom.contains("<td>10.99.2.1:4410</td>"));

        Path png = Path.of("target", "readiness-report.png");
        Files.deleteIfExists(png);
        chromium(report, "--window-size=1400,2400", "--screenshot=" + png.toAbsolutePath());
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 10_000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG screenshot");
    }

    /** The check above would notice a script error: a page whose script throws is marked "error". */
    @Test
    void aThrowingScriptIsDetected() throws Exception {
        Path broken = dir.resolve("broken.html");
        Files.writeString(broken, html.replace("</body>", "<script>null.boom();</script></body>"));
        String dom = chromium(broken, "--dump-dom");
        assertTrue(dom.contains("data-report-script=\"error\""), head(dom));
    }

    private static String chromium(Path page, String... mode) throws Exception {
        String exe = findChromium();
        List<String> cmd = new ArrayList<>(List.of(exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
        cmd.addAll(List.of(mode));
        cmd.add(page.toAbsolutePath().toUri().toString());
        Path out = Files.createTempFile(dir, "dom", ".html");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 120 s");
        }
        assertEquals(0, p.exitValue(), "chromium exit status");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String findChromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) return p.toString();
            }
        }
        String message = "chromium not found on PATH (Debian: apt-get install chromium fonts-dejavu-core)";
        if ("true".equals(System.getenv("CI"))) fail(message);
        Assumptions.abort(message + ": skipped outside CI");
        return null;
    }

    private static String head(String s) {
        return s.substring(0, Math.min(s.length(), 600));
    }
}
