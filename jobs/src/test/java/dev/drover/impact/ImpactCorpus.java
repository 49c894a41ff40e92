package dev.drover.impact;

import dev.drover.catalog.Catalog;
import dev.drover.catalog.CatalogLoader;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.catalog.DatasetEntity;
import dev.drover.model.SchemaDiff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The corpus under tests/impact-corpus: a catalog (accounts-v1 → accounts-v2 and the tables
 * consumers join with), one consumer, and its queries, each opening with
 * {@code -- expect: <class>[: <text a reason contains>]}, with its expected rewrite beside it as
 * {@code <name>.rewritten.sql}.
 */
public final class ImpactCorpus {
    public record Case(String name, String text, ImpactClass expected, String reason, Optional<String> rewritten) {
    }

    public final Path root;
    public final Catalog catalog;
    public final ConsumerEntity consumer;
    public final String warehouse;

    public ImpactCorpus(Path root, Path templates, String warehouse) {
        this.root = root;
        this.warehouse = warehouse;
        this.catalog = new CatalogLoader().load(root.resolve("catalog"), templates);
        this.consumer = catalog.consumers().get("accounts-reports");
    }

    /** The corpus folder, found from the module or the project root. */
    public static Path locate() {
        return up(Path.of("tests", "impact-corpus"));
    }

    public static Path templates() {
        return up(Path.of("conf", "templates"));
    }

    private static Path up(Path relative) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found from " + here);
    }

    public List<Case> cases() {
        try (Stream<Path> files = Files.list(root.resolve("queries"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sql") && !f.getFileName().toString().endsWith(".rewritten.sql"))
                    .sorted().map(this::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Case read(Path file) {
        try {
            String text = local(Files.readString(file));
            String first = text.lines().findFirst().orElse("");
            if (!first.startsWith("-- expect: ")) {
                throw new IllegalStateException(file + ": first line must be '-- expect: <class>'");
            }
            String[] expect = first.substring("-- expect: ".length()).split(":", 2);
            String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
            Path rewritten = file.resolveSibling(name + ".rewritten.sql");
            return new Case(name, text, ImpactClass.valueOf(expect[0].strip().toUpperCase().replace('-', '_')),
                    expect.length > 1 ? expect[1].strip() : "",
                    Files.exists(rewritten) ? Optional.of(local(Files.readString(rewritten))) : Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Corpus text with the warehouse this run uses in place of {@code @WAREHOUSE@}. */
    public String local(String text) {
        return text.replace("@WAREHOUSE@", warehouse);
    }

    public String location(String dataset) {
        return warehouse + "/" + catalog.datasets().get(dataset).location();
    }

    public TableNames names() {
        return new TableNames(catalog.datasets().keySet(), this::location, consumer.code().tableNames());
    }

    /** The subject as the catalog declares it (a real run takes the old schema from the table). */
    public ImpactAnalyzer.Subject declaredSubject() {
        DatasetEntity v1 = catalog.datasets().get("accounts-v1");
        DatasetEntity v2 = catalog.datasets().get("accounts-v2");
        return subject(v1.structType(), v2.structType());
    }

    public ImpactAnalyzer.Subject subject(org.apache.spark.sql.types.StructType v1, org.apache.spark.sql.types.StructType v2) {
        Map<String, org.apache.spark.sql.types.StructType> others = new LinkedHashMap<>();
        catalog.datasets().forEach((n, d) -> others.put(n, d.structType()));
        return new ImpactAnalyzer.Subject("accounts-v1", v1, "accounts-v2", v2,
                SchemaDiff.between(v1, v2, Map.of("name", "full_name")), others);
    }

    /**
     * accounts-v1 ({@code accounts} rows: about 1 % of scores are not numbers, every 17th name is
     * NULL, structs, arrays and maps) and orders ({@code orders} rows over those accounts), as Delta
     * tables under {@code warehouse}.
     */
    public static void writeTables(org.apache.spark.sql.SparkSession spark, String warehouse, long accounts, long orders) {
        spark.sql("""
                SELECT id AS account_id,
                  CASE WHEN id % 17 = 0 THEN NULL ELSE concat(element_at(array('Ann', 'Bob', 'Cy', 'Dee'), CAST(id % 4 AS INT) + 1), ' ', id) END AS name,
                  concat('u', id, '@', CASE WHEN id % 3 = 0 THEN 'a.com' ELSE 'b.org' END) AS email,
                  CASE WHEN id % 101 = 0 THEN 'n/a' ELSE CAST(id % 100 AS STRING) END AS score,
                  CAST(id % 5 AS INT) AS plan_code,
                  CAST(id % 1000 AS INT) AS amount,
                  CAST(named_struct('city', element_at(array('Oslo', 'Lima', 'Pune'), CAST(id % 3 AS INT) + 1),
                                    'zip', lpad(CAST(id % 1000 AS STRING), 4, '0')) AS STRUCT<city: STRING, zip: STRING>) AS address,
                  CAST(CASE WHEN id % 4 = 0 THEN array('vip', 'new') ELSE array('new') END AS ARRAY<STRING>) AS tags,
                  CAST(map('channel', CASE WHEN id % 2 = 0 THEN 'web' ELSE 'app' END,
                           'referrer', CAST((id * 7) % @N@ + 1 AS STRING)) AS MAP<STRING, STRING>) AS attrs,
                  date_add(DATE'2024-02-25', CAST(id % 10 AS INT)) AS created,
                  'x' AS legacy
                FROM range(1, @N@ + 1)
                """.replace("@N@", Long.toString(accounts))).write().format("delta").save(warehouse + "/accounts_v1");
        spark.sql("""
                SELECT id AS order_id, (id % @N@) + 1 AS account_id, CAST((id % 500) + 0.5 AS DECIMAL(10,2)) AS total,
                  CASE WHEN id % 3 = 0 THEN 'paid' ELSE 'open' END AS status, timestamp_seconds(1709251200 + id) AS ordered_at
                FROM range(1, @M@ + 1)
                """.replace("@N@", Long.toString(accounts)).replace("@M@", Long.toString(orders))).write().format("delta").save(warehouse + "/orders");
    }
}
