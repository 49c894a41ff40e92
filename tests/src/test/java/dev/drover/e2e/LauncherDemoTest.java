package dev.drover.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, through the launcher script, on a smaller dataset. */
class LauncherDemoTest {
    @TempDir
    Path tmp;

    @Test
    void demoRunsEveryStepThroughTheLauncher() throws Exception {
        Path out = tmp.resolve("demo.out");
        Path dir = tmp.resolve("demo");
        List<String> command = List.of("bash", Project.root().resolve("submit/drover").toString(),
                "--conf", "drover.environment=test", "demo", "--rows", "40000", "--dir", dir.toString());
        try (Driver driver = Driver.start(command, out)) {
            assertEquals(0, driver.waitFor(600), driver.stderr());
        }
        String text = Files.readString(out);
        for (String step : List.of("1/7 generating", "2/7 drover plan users/V2", "3/7 drover migrate users/V2",
                "4/7 drover status", "5/7 drover rollback", "6/7 drover migrate users/V2 (again", "7/7 summary")) {
            assertTrue(text.contains(step), "missing step " + step + " in:\n" + text);
        }
        assertTrue(text.contains("Nothing was written (dry run)."), text);
        assertTrue(text.contains("emptied users-v2 (the run created it)"), text);
        assertTrue(text.contains("users-v2 now has 39,998 rows in 5 columns"), text);
        assertTrue(Files.exists(dir.resolve("state/ledger/runs/_delta_log")), "ledger written under the demo folder");
    }
}
