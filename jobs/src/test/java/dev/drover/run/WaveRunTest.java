package dev.drover.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.api.Drover;
import dev.drover.error.InputError;
import dev.drover.error.SpecError;
import dev.drover.ledger.LedgerReader;
import dev.drover.ledger.WaveRecord;
import dev.drover.ledger.WaveRunRecord;
import dev.drover.model.WaveOutcome;
import dev.drover.model.WaveStatus;
import dev.drover.wave.WavePlan;
import dev.drover.wave.WaveResult;
import dev.drover.wave.WaveRunner;
import dev.drover.wave.WaveSelection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Waves in this JVM: selection, order, the ledger's waves and wave_runs, FAIR pools with their quotas. */
@ExtendWith(Workspace.ClosesDrovers.class)
class WaveRunTest {
    @TempDir
    Path tmp;

    private static WaveSelection select(List<String> datasets, List<String> owners, List<String> tags) {
        return new WaveSelection(datasets, owners, tags, Optional.empty());
    }

    @Test
    void selectionFiltersByDatasetOwnerTagAndListAndOrdersByWhatEachReads() throws Exception {
        Workspace ws = new Workspace(tmp);
        Drover drover = ws.drover();
        var specs = drover.context().specs();
        var catalog = drover.catalog();
        // users/V2 looks countries up, countries/V2 rewrites them in place: it goes first
        WavePlan all = WavePlan.of(WaveSelection.ALL.select(specs, catalog));
        assertEquals(List.of("countries/V2", "users/V2"), all.ids());
        assertEquals(List.of("countries/V2"), all.items().get(1).after());
        assertEquals(List.of("users/V2"), ids(select(List.of("users-v1"), List.of(), List.of()), drover));
        assertEquals(List.of("users/V2"), ids(select(List.of("users-v2", "users-v1"), List.of(), List.of()), drover));
        assertEquals(List.of("countries/V2"), ids(select(List.of(), List.of("reference-data"), List.of()), drover));
        assertEquals(List.of("countries/V2"), ids(select(List.of(), List.of("group:reference-data"), List.of()), drover));
        assertEquals(List.of("users/V2"), ids(select(List.of(), List.of(), List.of("pii")), drover));
        assertEquals(List.of("countries/V2"), ids(select(List.of(), List.of(), List.of("tier=gold")), drover));
        assertEquals(List.of(), ids(select(List.of("users-v1"), List.of("reference-data"), List.of()), drover));
        assertEquals(List.of("countries/V2", "users/V2"), ids(new WaveSelection(List.of(), List.of(), List.of(), Optional.empty(),
                List.of(2)), drover));
        assertEquals(List.of(), ids(new WaveSelection(List.of(), List.of(), List.of(), Optional.empty(), List.of(3)), drover));
        ws.write("wave.txt", "# one per line\nusers/V2\n\n");
        assertEquals(List.of("users/V2"), ids(new WaveSelection(List.of(), List.of(), List.of(),
                Optional.of(ws.conf.resolve("wave.txt"))), drover));

        InputError unknown = assertThrows(InputError.class, () -> ids(select(List.of("userz"), List.of(), List.of()), drover));
        assertTrue(unknown.getMessage().startsWith("--dataset: unknown dataset 'userz'"), unknown.getMessage());
        ws.write("bad.txt", "users/V2\nusers/V9\n");
        InputError line = assertThrows(InputError.class, () -> ids(new WaveSelection(List.of(), List.of(), List.of(),
                Optional.of(ws.conf.resolve("bad.txt"))), drover));
        assertTrue(line.getMessage().contains("bad.txt: line 2: no migration 'users/V9'"), line.getMessage());
    }

    @Test
    void migrationsThatReadEachOthersTargetsCannotBeOrdered() {
        Workspace ws = new Workspace(tmp);
        ws.write("migrations/users/V3__back.conf", """
                source = users-v2
                target { dataset = users-v1, mode = new-table }
                template = four-stage-dataset-migration
                steps = [ { rename { display_name = name } } ]
                """);
        Drover drover = ws.drover();
        SpecError cycle = assertThrows(SpecError.class, () -> WavePlan.of(List.of(drover.spec("users/V2"), drover.spec("users/V3"))));
        assertTrue(cycle.getMessage().contains("wait for each other"), cycle.getMessage());
    }

    @Test
    void aWaveRunsInOrderInPoolsWithTheirQuotasAndIsRecorded() {
        Workspace ws = new Workspace(tmp).withData(2_000, 4, 0);
        ws.write("migrations/countries/V2__upper_case_names.conf", ws.read("migrations/countries/V2__upper_case_names.conf")
                + "quota { weight = 3, min-share = 2 }\n");
        Drover drover = ws.drover();
        // as if an earlier wave of this application had made the pool with the default quota: idle, it is made again
        dev.drover.exec.FairPools.ensure(ws.spark().sparkContext(), "countries/V2", new dev.drover.model.Quota(1, 0, 0));
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        WaveRunner waves = drover.waves(new PrintStream(lines, true), new PrintStream(ByteArrayOutputStream.nullOutputStream()));
        WaveResult result = waves.run(WaveSelection.ALL, false, 2);

        assertTrue(result.passed(), result.toString());
        assertEquals(List.of("countries/V2", "users/V2"), result.runs().stream().map(WaveRunRecord::migration).toList(),
                "users/V2 waited for countries/V2");
        assertEquals(2_000 + dev.drover.demo.DemoData.COUNTRIES, result.rowsWritten(), "users and the countries lookup");
        LedgerReader ledger = drover.context().ledgerReader();
        WaveRecord wave = ledger.waves().get(0);
        assertEquals(result.waveId(), wave.waveId());
        assertEquals(WaveStatus.SUCCEEDED, wave.status());
        assertEquals(2, wave.passed());
        assertTrue(wave.endedAt().isPresent());
        assertEquals(result.runs(), ledger.waveRuns(result.waveId()));
        assertTrue(lines.toString().contains("[2/2] users/V2 passed"), lines.toString());
        // the phases of both migrations, summed: each ran analyze and batch writes, and waited for the ledger
        assertTrue(result.timings().get("batch writes") > 0 && result.timings().get("ledger wait") > 0, result.timings().toString());
        assertTrue(result.timings().get("analyze") < result.runs().stream().mapToDouble(WaveRunRecord::seconds).sum(),
                result.timings().toString());
        // the migrations' own tables are out of Delta's in-memory cache (a wave of thousands would fill the heap);
        // the ledger's stay
        List<String> cached = org.apache.spark.sql.delta.DeltaLog$.MODULE$.getOrCreateCache(ws.spark().sessionState().conf())
                .asMap().keySet().stream().map(k -> k._1().toUri().getPath().replaceFirst("/_delta_log$", "")).toList();
        // this test's tables (the session is shared with other tests)
        String warehouse = java.net.URI.create(ledger.location("runs")).getPath().replaceFirst("/_drover/ledger/runs$", "");
        assertTrue(cached.stream().filter(p -> p.startsWith(warehouse + "/")).noneMatch(p -> p.endsWith("/users_v2")
                || p.endsWith("/users_v1") || p.endsWith("/users_v2_quarantine")), cached.toString());
        assertTrue(cached.contains(warehouse + "/_drover/ledger/runs"), warehouse + " " + cached);
        // Delta never checkpoints a ledger table itself (its checkpoint is Spark jobs): the ledger's writer does, in the driver
        org.apache.spark.sql.Row detail = ws.spark().sql("DESCRIBE DETAIL delta.`" + ledger.location("runs") + "`").first();
        assertEquals(String.valueOf(Integer.MAX_VALUE), detail.getJavaMap(detail.fieldIndex("properties")).get("delta.checkpointInterval"));

        // each migration ran in its own pool, made with its quota (FAIR scheduling in the tests' session)
        var countries = ws.spark().sparkContext().getPoolForName("countries/V2").get();
        assertEquals(3, countries.weight());
        assertEquals(2, countries.minShare());
        // users/V2's spec sets weight = 2 only: min-share comes from drover.quota
        assertEquals(2, ws.spark().sparkContext().getPoolForName("users/V2").get().weight());
        assertEquals(0, ws.spark().sparkContext().getPoolForName("users/V2").get().minShare());

        // again: nothing pending, an empty wave
        WaveResult again = waves.run(WaveSelection.ALL, false, 2);
        assertEquals(List.of(), again.runs());
        assertEquals(List.of("countries/V2", "users/V2"), again.alreadyApplied());
        assertEquals(WaveOutcome.PASSED, result.runs().get(0).outcome());
    }

    @Test
    void aBatchSizeForTheWaveCutsEachRunAndKeepsTheSpecsChecksums() {
        Workspace ws = new Workspace(tmp).withData(2_000, 4, 0);
        Drover drover = ws.drover();
        WaveRunner waves = drover.waves(new PrintStream(ByteArrayOutputStream.nullOutputStream()),
                new PrintStream(ByteArrayOutputStream.nullOutputStream())).batchMaxRows(500);
        WaveResult result = waves.run(new WaveSelection(List.of("users-v2"), List.of(), List.of(), java.util.Optional.empty()), false, 1);
        assertTrue(result.passed(), result.toString());
        LedgerReader ledger = drover.context().ledgerReader();
        var run = ledger.runsOf("users/V2").get(0);
        // the spec cuts 2,000 rows into one batch; 500 rows a batch cut them by day (500 each)
        assertEquals(4, ledger.batches(run.runId()).size(), ledger.batches(run.runId()).toString());
        assertEquals(drover.context().specs().find("users/V2").checksum(), run.specChecksum(), "the spec's own checksum");
        assertThrows(IllegalArgumentException.class, () -> waves.batchMaxRows(0));
    }

    private static List<String> ids(WaveSelection selection, Drover drover) {
        return selection.select(drover.context().specs(), drover.catalog()).stream().map(s -> s.id()).toList();
    }

    /**
     * A migration that dies of one of Spark's checked exceptions (a data file of its source gone:
     * the batch's read fails) is a failed migration of the wave; the wave goes on, ends and is
     * recorded FAILED, rather than ending the application with its last state RUNNING.
     */
    @Test
    void aMigrationFailingWithSparksOwnExceptionFailsItsWaveEntryNotTheWave() throws Exception {
        Workspace ws = new Workspace(tmp).withData(2_000, 4, 0);
        java.nio.file.Path users = java.nio.file.Path.of(java.net.URI.create(ws.warehouse + "/users_v1"));
        try (var files = java.nio.file.Files.walk(users)) {
            java.nio.file.Path one = files.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log"))
                    .findFirst().orElseThrow();
            java.nio.file.Files.delete(one);
        }
        Drover drover = ws.drover();
        WaveRunner waves = drover.waves(new PrintStream(ByteArrayOutputStream.nullOutputStream()),
                new PrintStream(ByteArrayOutputStream.nullOutputStream()));
        WaveResult result = waves.run(WaveSelection.ALL, false, 2);

        assertTrue(!result.passed(), result.toString());
        WaveRunRecord users2 = result.runs().stream().filter(r -> r.migration().equals("users/V2")).findFirst().orElseThrow();
        assertEquals(dev.drover.model.WaveOutcome.FAILED, users2.outcome(), users2.toString());
        assertEquals(WaveStatus.FAILED, drover.context().ledgerReader().waves().get(0).status());
    }
}
