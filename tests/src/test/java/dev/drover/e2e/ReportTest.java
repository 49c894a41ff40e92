package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.ledger.BatchRecord;
import dev.drover.ledger.LedgerContents;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.RunRecord;
import dev.drover.model.CheckResult;
import dev.drover.model.RunStatus;
import dev.drover.testing.SharedSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover report} over a real demo run (with quarantined rows) and a small wave (one
 * migration fails its checks and rolls back), opened in headless Chromium: the numbers the DOM
 * shows after the page's script ran are the ledger's, the filter works from disk, no page links
 * outside the report, and screenshots are taken (copied under docs/ with -Ddrover.docs=update).
 * Told a behaviour per test (see {@link Story}).
 */
@Story
class ReportTest {
    private static final Pattern OUTSIDE = Pattern.compile("(src|href)\\s*=\\s*\"(https?:)?//|url\\(\\s*['\"]?(https?:)?//");

    private Path tmp;
    private E2eWorkspace ws;
    private Path out;
    private LedgerContents ledger;
    private List<RunRecord> runs;
    private long rows;
    private long quarantined;
    private Chromium chromium;
    private String index;
    private RunRecord failed;
    private String label;
    private RunRecord demo;

    /** A demo run with a transition window (a producer's commit, a sync, a consumer moved) and a wave of three, one failing. */
    @BeforeAll
    void runsAWindowAndAWave(@TempDir Path dir) throws Exception {
        tmp = dir;
        ws = new E2eWorkspace(tmp.resolve("ws"), 3_000, 3, 1_000, 1_000);
        Cli migrate = Cli.run(ws.command("migrate", "users/V2"));
        assertEquals(0, migrate.exitCode(), migrate.err());
        // users/V2 has a transition window: a producer's commit to users-v1, a sync, a consumer declared moved
        SharedSpark.session().sql("UPDATE delta.`" + ws.warehouse.resolve("users_v1").toUri() + "` SET name = 'x' WHERE user_id < 30");
        Cli sync = Cli.run(ws.command("sync", "users/V2"));
        assertEquals(0, sync.exitCode(), sync.err() + sync.out());
        assertEquals(0, Cli.run(ws.command("transition", "users/V2", "--moved", "churn-model")).exitCode());
        FleetFixture.create(ws.root, SharedSpark.session(), 3, i -> 400L * i, Set.of(2), false);
        Cli wave = Cli.run(ws.command("wave", "--tag", "fleet", "--parallel", "2"));
        assertEquals(1, wave.exitCode(), "one migration of the wave rolled back: " + wave.err() + wave.out());
    }

    @Test
    @Order(1)
    void reportReadsEveryRunAndWaveOfTheLedger() throws Exception {
        out = tmp.resolve("report");
        Cli report = Cli.run(ws.command("report", "--out", out.toString()));
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(report.out().contains("(4 runs, 1 waves, 0 requests)"), report.out());

        ledger = new LedgerReader(SharedSpark.session(), ws.warehouse.toUri().toString().replaceAll("/$", "") + "/_drover")
                .everything();
        runs = ledger.runs();
        assertEquals(4, runs.size());
        rows = runs.stream().mapToLong(r -> written(ledger, r.runId())).sum();
        quarantined = runs.stream().mapToLong(r -> quarantined(ledger, r.runId())).sum();
        assertTrue(rows > 3_000 && quarantined > 0, rows + " rows, " + quarantined + " quarantined");
    }

    @Test
    @Order(2)
    void theIndexShowsTheLedgersTotalsAfterItsScriptRanFromDisk() throws Exception {
        chromium = new Chromium(tmp.resolve("chromium"));
        index = chromium.dumpDom(out.resolve("index.html"));
        assertEquals("4", text(index, "runs-total"));
        assertEquals("1", text(index, "runs-failed"));
        assertEquals("25.0%", text(index, "error-rate"));
        assertEquals(String.format(Locale.ROOT, "%,d", rows), text(index, "rows-total"));
        assertEquals(String.format(Locale.ROOT, "%,d", quarantined), text(index, "quarantined-total"));
        assertEquals("1", text(index, "waves-total"));
        assertEquals("5 of 5 rows shown", text(index, "shown"), "the filter script ran from disk");
        for (RunRecord r : runs) {
            assertTrue(index.contains("href=\"runs/" + r.runId() + ".html\""), "the index links run " + r.runId());
        }
    }

    @Test
    @Order(3)
    void theIndexFiltersByStatusFromTheAddress() throws Exception {
        failed = runs.stream().filter(r -> r.status() != RunStatus.SUCCEEDED).findFirst().orElseThrow();
        label = failed.status().label();
        long sameStatus = runs.stream().filter(r -> r.status().label().equals(label)).count()
                + ledger.waves().stream().filter(w -> w.status().label().equals(label)).count();
        String filtered = chromium.dumpDom(out.resolve("index.html"), "?status=" + label);
        assertEquals(sameStatus + " of 5 rows shown", text(filtered, "shown"), "filtered by status " + label);
    }

    @Test
    @Order(4)
    void aRunPageShowsItsChecksStagesBatchesErrorsAndTheVersionItMade() throws Exception {
        demo = runs.stream().filter(r -> r.migration().equals("users/V2")).findFirst().orElseThrow();
        String page = chromium.dumpDom(out.resolve("runs").resolve(demo.runId() + ".html"));
        assertEquals(demo.runId(), text(page, "run-id"));
        assertEquals(String.format(Locale.ROOT, "%,d", written(ledger, demo.runId())), text(page, "run-rows"));
        List<CheckResult> checks = ledger.checksOf(demo.runId());
        assertEquals(checks.size() + " of " + checks.size(), text(page, "run-checks"), "every check of the demo run passed");
        assertEquals(checks.size(), count(page, "<tr class=\"check passed\">") + count(page, "<tr class=\"check warning\">"));
        for (CheckResult c : checks) {
            assertTrue(page.contains(escape(c.name())), "check " + c.name() + " on the page");
        }
        assertEquals(ledger.stagesOf(demo.runId()).size(), rowsOf(page, "stages"));
        assertEquals(ledger.batchesOf(demo.runId()).size(), rowsOf(page, "batches"));
        assertTrue(rowsOf(page, "errors") > 0, "top quarantine errors of the demo run");
        assertTrue(count(page, "<tr class=\"mine\">") >= 1, "the version this run made (its publish), marked");
        assertTrue(page.contains("<svg"), "the batches chart is inline SVG");
    }

    @Test
    @Order(5)
    void aFailedRunPageShowsItsFailedChecksAndStatusBadge() throws Exception {
        String failedPage = chromium.dumpDom(out.resolve("runs").resolve(failed.runId() + ".html"));
        long failedChecks = ledger.checksOf(failed.runId()).stream().filter(c -> !c.passed()).count();
        assertTrue(failedChecks > 0);
        assertEquals(failedChecks, count(failedPage, "<tr class=\"check failed\">"));
        assertTrue(failedPage.contains("class=\"badge s-" + label + "\""), "the run's status badge");
    }

    @Test
    @Order(6)
    void theTransitionsPageShowsTheWindowItsSyncAndWhoMoved() throws Exception {
        assertEquals("1", text(index, "windows-open"));
        String transitions = chromium.dumpDom(out.resolve("transitions.html"));
        assertTrue(transitions.contains("data-migration=\"users/V2\""), "the window has its section");
        assertEquals(1, count(transitions, "<tr data-status=\"succeeded\">"), "one sync, succeeded");
        assertTrue(transitions.contains("data-moved=\"1\" data-total=\"3\""), "one of three consumers moved");
        assertTrue(transitions.contains("<tr data-consumer=\"churn-model\" data-moved=\"true\">"), "churn-model moved");
        assertTrue(transitions.contains("<svg"), "the lag chart");
    }

    @Test
    @Order(7)
    void theFleetPageHasASectionPerWave() throws Exception {
        String fleet = chromium.dumpDom(out.resolve("fleet.html"));
        String waveId = ledger.waves().get(0).waveId();
        assertTrue(fleet.contains("id=\"w-" + waveId + "\""), "the wave has its section on the fleet page");
    }

    @Test
    @Order(8)
    void noPageLinksOutsideTheReport() throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(OUTSIDE.matcher(Files.readString(f)).find(), f + " links outside the report");
            }
        }
    }

    @Test
    @Order(9)
    void screenshotsAreTakenAtTheAskedWidth() throws Exception {
        Path shot = tmp.resolve("report-index.png");
        chromium.screenshot(out.resolve("index.html"), shot, 1400, 900);
        assertEquals(1400, pngWidth(shot));
        Path runShot = tmp.resolve("report-run.png");
        chromium.screenshot(out.resolve("runs").resolve(demo.runId() + ".html"), runShot, 1400, 1600);
        assertEquals(1400, pngWidth(runShot));
        if ("update".equals(System.getProperty("drover.docs"))) {
            Files.createDirectories(Project.root().resolve("docs"));
            Files.copy(shot, Project.root().resolve("docs/report-index.png"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(runShot, Project.root().resolve("docs/report-run.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long written(LedgerContents ledger, String runId) {
        return ledger.batchesOf(runId).stream().filter(BatchRecord::isWritten).mapToLong(BatchRecord::rowsWritten).sum();
    }

    private static long quarantined(LedgerContents ledger, String runId) {
        return ledger.quarantineOf(runId).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The text of the element with this id. */
    private static String text(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(dom);
        assertTrue(m.find(), "no element #" + id);
        return m.group(1).replace("&amp;", "&");
    }

    /** Rows in the body of the table with this id. */
    private static int rowsOf(String dom, String id) {
        int start = dom.indexOf("<table id=\"" + id + "\"");
        assertTrue(start >= 0, "no table #" + id);
        String table = dom.substring(start, dom.indexOf("</table>", start));
        String body = table.substring(table.indexOf("<tbody>"));
        return count(body, "<tr");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static int pngWidth(Path png) throws IOException {
        try (InputStream in = Files.newInputStream(png)) {
            byte[] head = in.readNBytes(24);
            assertEquals(0x89, head[0] & 0xff, "a PNG");
            assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
            return ByteBuffer.wrap(head, 16, 4).getInt();
        }
    }
}
