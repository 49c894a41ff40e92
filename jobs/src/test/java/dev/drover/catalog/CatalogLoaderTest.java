package dev.drover.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drover.error.CatalogError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogLoaderTest {
    private static String dataset(int i) {
        return "---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: ds-" + i + "\n"
                + "  description: " + "a generated dataset to make the file big ".repeat(8) + "\n"
                + "  annotations:\n    drover.dev/location: ds_" + i + "\n"
                + "spec:\n  type: dataset\n  owner: group:data\n  schema:\n"
                + "    - {name: id, type: long, nullable: false}\n    - {name: name, type: string}\n"
                + "  primaryKey: [id]\n";
    }

    @Test
    void readsACatalogFileBiggerThanSnakeYamlsDefaultLimit(@TempDir Path dir) throws Exception {
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        StringBuilder text = new StringBuilder();
        int n = 0;
        while (text.length() < 4 * 1024 * 1024) {   // the default limit is 3 MiB
            text.append(dataset(++n));
        }
        Files.writeString(catalog.resolve("big.yaml"), text);

        Catalog loaded = new CatalogLoader().load(catalog, dir.resolve("templates"));

        assertEquals(n, loaded.datasets().size());
        assertTrue(loaded.dataset("ds-" + n).isPresent(), "the last entity of the file is read");
    }

    @Test
    void aBrokenFileStillNamesItsLine(@TempDir Path dir) throws Exception {
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(catalog.resolve("bad.yaml"), dataset(1) + "---\nkind: [unclosed\n");

        CatalogError e = assertThrows(CatalogError.class, () -> new CatalogLoader().load(catalog, dir.resolve("templates")));

        assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("line 1"), e.getMessage());
    }
}
