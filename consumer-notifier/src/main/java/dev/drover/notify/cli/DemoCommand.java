package dev.drover.notify.cli;

import dev.drover.cli.DroverCli;
import dev.drover.cli.ExtraCommand;
import dev.drover.config.Locations;
import dev.drover.demo.DemoData;
import dev.drover.error.InputError;
import dev.drover.local.LocalS3;
import dev.drover.model.MigrationResult;
import dev.drover.model.RetireResult;
import dev.drover.model.SyncResult;
import dev.drover.view.TransitionView;
import dev.drover.notify.EventReader;
import dev.drover.notify.LocalKafka;
import dev.drover.notify.Notifier;
import dev.drover.view.Render;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generates the demo datasets (users-v1 partitioned by day, countries), then plans, migrates,",
                "notifies the consumers, rolls the run back (they are told), migrates again, notifies, and prints",
                "keeps users-v2 in step with users-v1 through a producer's changes (drover sync), records the consumers'",
                "acknowledgements, retires users-v1, and prints a summary with the events each consumer received, the",
                "branch of proven query rewrites pushed to a consumer's git repository and the calls to a consumer's",
                "update endpoint (both made by the demo). Works",
                "on a copy of the conf folder under --dir. Starts a local Kafka broker when no",
                "drover.notify.bootstrap-servers is configured, and stops it at the end."})
public final class DemoCommand implements Callable<Integer>, ExtraCommand {
    private static final String MARKER = ".drover-demo";
    static final String BUCKET = "drover-demo";

    @ParentCommand
    DroverCli root;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows of users-v1 (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--s3", description = {"Keep the demo's tables and ledger on S3: starts a local S3-compatible server",
            "(s3proxy, objects under <dir>/s3) and runs everything on s3a://drover-demo/, then stops it."})
    boolean s3;

    @Option(names = "--dir", defaultValue = "demo-output", description = "Folder for the demo's tables and ledger, replaced on each run (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
        if (rows < 1_000) {
            throw new InputError("", "--rows", "expected at least 1000, got " + rows);
        }
        Path folder = dir.toAbsolutePath().normalize();
        prepare(folder);
        // the demo retires users-v1, which marks it deprecated in its catalog file: that is the copy's, not the project's
        copyConf(root.confDir(), folder.resolve("conf"));
        root.useConfDir(folder.resolve("conf"));
        PrintStream out = root.out();
        long started = System.nanoTime();
        LocalKafka broker = null;
        LocalS3 storage = null;
        DemoConsumers code = null;
        try {
            heading(out, "", "a consumer repository (git) and a consumer update endpoint (HTTP) for two demo consumers");
            code = DemoConsumers.start(folder, folder.resolve("conf"));
            out.printf("  %s: queries in %s; %s: endpoint %s%n", DemoConsumers.REPOSITORY_CONSUMER,
                    folder.resolve("consumer-repos").resolve(DemoConsumers.REPOSITORY_CONSUMER), DemoConsumers.ENDPOINT_CONSUMER, code.endpoint());
            if (s3) {
                heading(out, "", "starting a local S3-compatible server (--s3)");
                storage = LocalS3.start(folder.resolve("s3"));
                storage.createBucket(BUCKET);
                root.overrides.addAll(List.of("drover.warehouse=s3a://" + BUCKET + "/warehouse", "drover.state-dir=s3a://" + BUCKET + "/state",
                        "drover.storage.s3.endpoint=" + storage.endpoint(), "drover.storage.s3.path-style-access=true",
                        "drover.storage.s3.directory-marker-retention=keep"));
                out.println("  s3proxy " + LocalS3.VERSION + " on " + storage.endpoint() + ", bucket " + BUCKET + " (objects kept under "
                        + storage.bucketFolder(BUCKET) + ")");
            } else {
                root.overrides.add("drover.warehouse=" + Locations.normalize(folder.resolve("warehouse").toString()));
                root.overrides.add("drover.state-dir=" + Locations.normalize(folder.resolve("state").toString()));
            }
            root.overrideConfig(null);
            if (storage != null) {
                // this server's throwaway key pair, made at random and never printed; for a real store
                // s3a takes keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the default chain
                var hadoop = root.spark().sparkContext().hadoopConfiguration();
                hadoop.set("fs.s3a.bucket." + BUCKET + ".access.key", storage.accessKey());
                hadoop.set("fs.s3a.bucket." + BUCKET + ".secret.key", storage.secretKey());
            }
            if (!root.config().notifications().configured()) {
                heading(out, "", "starting a local Kafka broker (no drover.notify.bootstrap-servers configured)");
                broker = LocalKafka.start(folder.resolve("kafka"), true);
                root.overrides.add("drover.notify.bootstrap-servers=" + broker.bootstrapServers());
                root.overrideConfig(null);
                out.println("  Kafka " + LocalKafka.VERSION + " (KRaft, single node) on " + broker.bootstrapServers());
                // the consumers' topics exist before the first event, as on a real cluster (no auto-creation warnings)
                List<String> topics = new java.util.ArrayList<>(eventTopics());
                topics.add(root.config().notifications().ackTopic());
                broker.createTopics(1, topics.toArray(String[]::new));
            }
            return run(out, folder, started, code);
        } finally {
            if (code != null) {
                code.close();
            }
            if (broker != null) {
                broker.stop();
                out.println("  local Kafka broker stopped");
            }
            if (storage != null) {
                storage.stop();
                out.println("  local S3 server stopped (its objects stay under " + storage.bucketFolder(BUCKET) + ")");
            }
        }
    }

    private int run(PrintStream out, Path folder, long started, DemoConsumers code) {
        String warehouse = root.config().warehouse();
        heading(out, "1/12", "generating users-v1 (" + String.format("%,d", rows) + " rows, 30 days) and countries under " + warehouse);
        DemoData.write(root.spark(), warehouse, rows, 30, 20_000);
        var drover = root.drover();

        heading(out, "2/12", "drover plan users/V2");
        Render.plan(out, drover.plan("users/V2"));

        heading(out, "3/12", "drover migrate users/V2");
        MigrationResult first = drover.migrate("users/V2").execute();
        Render.result(out, first);
        if (first.outcome() != MigrationResult.Outcome.SUCCEEDED) {
            return 1;
        }

        heading(out, "4/12", "drover status " + first.runId());
        Render.run(out, drover.status(first.runId()));
        heading(out, "", "drover history users-v2");
        Render.history(out, "users-v2", drover.history("users-v2", 10));

        Notifier notifier = new Notifier(root.config(), root.drover().ledger(), out, root::catalog);
        heading(out, "5/12", "drover notify (the consumers hear about users-v2)");
        boolean delivered = notifier.run(false, false).complete();

        heading(out, "6/12", "drover rollback " + first.runId() + ", then drover notify (the consumers told hear about it)");
        out.println(drover.rollback(first.runId(), false).message());
        delivered &= notifier.run(false, false).complete();

        heading(out, "7/12", "drover migrate users/V2 (again, after the rollback)");
        MigrationResult second = drover.migrate("users/V2").execute();
        Render.result(out, second);
        heading(out, "", "drover history users-v2");
        Render.history(out, "users-v2", drover.history("users-v2", 12));

        heading(out, "8/12", "drover notify");
        delivered &= notifier.run(false, false).complete();

        heading(out, "9/12", "a producer writes users-v1 (updates, deletes, new users), then drover sync users/V2");
        String v1 = "delta.`" + warehouse + "/users_v1`";
        root.spark().sql("UPDATE " + v1 + " SET name = concat(name, ' (renamed)') WHERE user_id % 1000 = 1");
        root.spark().sql("DELETE FROM " + v1 + " WHERE user_id % 1000 = 2");
        DemoData.users(root.spark(), rows + 500, 30, 0).where("user_id >= " + rows).write().format("delta").mode("append")
                .save(warehouse + "/users_v1");
        SyncResult sync = drover.sync("users/V2").execute();
        TransitionView.sync(out, sync);

        heading(out, "10/12", "the consumers acknowledge users-v2 (on " + root.config().notifications().ackTopic() + "), then drover transition");
        acknowledge(second.runId());
        dev.drover.notify.Acknowledgements.read(root.config().notifications(), drover.ledger()).ifPresent(l -> out.println("  " + l));
        TransitionView.transitions(out, drover.transitions(), root.config().sync().maxLag());

        heading(out, "11/12", "drover retire users/V2, then drover notify (the consumers hear users-v1 is retired)");
        RetireResult retired = drover.retire("users/V2", false, "demo");
        TransitionView.retire(out, retired);
        delivered &= notifier.run(false, false).complete();

        heading(out, "12/12", "summary");
        var target = root.spark().read().format("delta").load(warehouse + "/users_v2");
        out.printf("  users-v2 now has %,d rows in %d columns at %s/users_v2%n", target.count(), target.columns().length, warehouse);
        out.printf("  run %s: %,d rows written, %,d quarantined, then rolled back%n", first.runId(), first.rowsWritten(), first.rowsQuarantined());
        out.printf("  run %s: %,d rows written, %,d quarantined, succeeded (target version %d)%n", second.runId(),
                second.rowsWritten(), second.rowsQuarantined(), second.targetVersion());
        out.printf("  sync %s: users-v1 versions %d..%d into users-v2: %,d inserted, %,d updated, %,d deleted; users-v1 retired%n",
                sync.syncId(), sync.fromVersion(), sync.toVersion(), sync.inserted(), sync.updated(), sync.deleted());
        out.printf("  quarantine table: %s/users_v2%s%n", warehouse, root.config().quarantineSuffix());
        out.printf("  ledger tables:    %s/ledger/{%s}%n", root.config().stateDir(), String.join(",", ledgerTables()));
        out.printf("  time travel:      SELECT * FROM delta.`%s/users_v2` VERSION AS OF 0%n", warehouse);
        summarizeEvents(out);
        out.printf("  %s's update endpoint was called %d time(s):%n", DemoConsumers.ENDPOINT_CONSUMER, code.calls().size());
        code.calls().forEach(c -> out.printf("      %s  id=%s%n", c.type(), c.id()));
        out.printf("  %s's proven query rewrites, pushed to its repository:%n", DemoConsumers.REPOSITORY_CONSUMER);
        boolean pushed = code.printBranch(out, root.config().deliveries().branch("users/V2"));
        out.printf("  demo took %.0f s%n", (System.nanoTime() - started) / 1e9);
        boolean ok = second.outcome() == MigrationResult.Outcome.SUCCEEDED && sync.outcome().passed() && delivered && pushed
                && !code.calls().isEmpty();
        return ok ? 0 : 1;
    }

    /** Each consumer of users-v1 acknowledges the run's event, as a consumer's own code would: a record on the ack topic. */
    private void acknowledge(String runId) {
        var settings = root.config().notifications();
        java.util.Map<String, Object> c = new java.util.HashMap<>(settings.kafka());
        c.put("bootstrap.servers", settings.bootstrapServers());
        c.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        c.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(c)) {
            for (var consumer : root.catalog().consumersOf("users-v1")) {
                String id = dev.drover.outbox.OutboxEvent.id(runId, consumer.name(), dev.drover.outbox.EventType.MIGRATED);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(settings.ackTopic(), consumer.name(),
                        "{\"eventId\": \"" + id + "\", \"consumer\": \"" + consumer.name() + "\"}"));
            }
            producer.flush();
        }
    }

    /** The ledger tables the demo wrote, as the state folder holds them (local or s3a). */
    private List<String> ledgerTables() {
        org.apache.hadoop.fs.Path ledger = new org.apache.hadoop.fs.Path(root.config().stateDir() + "/ledger");
        try {
            org.apache.hadoop.fs.FileSystem fs = ledger.getFileSystem(root.spark().sparkContext().hadoopConfiguration());
            return java.util.Arrays.stream(fs.listStatus(ledger)).filter(org.apache.hadoop.fs.FileStatus::isDirectory)
                    .map(f -> f.getPath().getName()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not list " + ledger, e);
        }
    }

    /** The default topic and every topic a consumer of the demo's datasets names. */
    private List<String> eventTopics() {
        List<String> topics = new java.util.ArrayList<>(List.of(root.config().notifications().topic()));
        for (String dataset : List.of("users-v1", "users-v2")) {
            root.catalog().consumersOf(dataset).forEach(c -> c.topic().filter(t -> !topics.contains(t)).ifPresent(topics::add));
        }
        return topics;
    }

    /** What each consumer received, read back from the broker with a real consumer. */
    private void summarizeEvents(PrintStream out) {
        var settings = root.config().notifications();
        List<String> topics = eventTopics();
        var received = EventReader.readAll(settings.bootstrapServers(), settings.kafka(), topics);
        out.printf("  events read back from Kafka (%s), per consumer:%n", String.join(", ", topics));
        java.util.Map<String, List<EventReader.Received>> byConsumer = new java.util.TreeMap<>();
        received.forEach(r -> byConsumer.computeIfAbsent(r.key(), k -> new java.util.ArrayList<>()).add(r));
        byConsumer.forEach((consumer, records) -> {
            out.printf("    %s (%s):%n", consumer, records.get(0).topic());
            for (EventReader.Received r : records) {
                var event = r.event();
                out.printf("      %s  %s  id=%s%n", event.getTime(), event.getType(), event.getId());
            }
        });
    }

    private static void heading(PrintStream out, String step, String text) {
        out.println();
        out.println("== " + (step.isEmpty() ? "" : step + " ") + text);
    }

    private static void copyConf(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;   // the config loader says what is wrong with the folder given
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path copy = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(p, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the conf folder " + from + " to " + to, e);
        }
    }

    /** Empties the demo folder, but only one the demo made (it holds the marker file). */
    private static void prepare(Path folder) {
        try {
            if (Files.exists(folder)) {
                boolean empty;
                try (Stream<Path> s = Files.list(folder)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !Files.exists(folder.resolve(MARKER))) {
                    throw new InputError("", "--dir", folder + " is not empty and was not made by drover demo; choose another folder");
                }
                try (Stream<Path> walk = Files.walk(folder)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(folder);
            Files.createFile(folder.resolve(MARKER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
