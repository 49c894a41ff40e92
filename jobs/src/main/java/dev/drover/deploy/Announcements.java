package dev.drover.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.catalog.ConsumerEntity;
import dev.drover.model.UpdateStrategy;
import dev.drover.config.NotifySettings;
import dev.drover.ledger.RunRecord;
import dev.drover.model.CheckResult;
import dev.drover.model.ColumnChange;
import dev.drover.model.SchemaDiff;
import dev.drover.outbox.Channel;
import dev.drover.outbox.EventType;
import dev.drover.outbox.OutboxEvent;
import dev.drover.plan.MigrationPlan;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What each consumer is told. The deploy stage builds one {@code migrated} event per consumer of
 * the migrated dataset (a rollback's events are built by {@link OutboxEvent#rolledBack}).
 * The payload is the CloudEvent's {@code data}: dataset, version labels, target location and
 * Delta version, the schema contract column by column, the old → new column mapping, the
 * consumer's strategy and deadline, the validation summary and where to read more.
 */
final class Announcements {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Announcements() {}

    /** A consumer's deadline: its dual-write end date, else the configured time after {@code now}. */
    static String deadline(ConsumerEntity consumer, NotifySettings settings, Instant now) {
        if (consumer.strategy() == UpdateStrategy.DUAL_WRITE) {
            return consumer.dualWriteUntil().orElse("");
        }
        return now.plus(settings.deadline()).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    static List<OutboxEvent> migrated(MigrationPlan plan, RunRecord run, long targetVersion, SchemaDiff schema,
                                             List<CheckResult> checks, long rowsWritten, long rowsQuarantined,
                                             NotifySettings settings, Instant now) {
        return migrated(plan, run, targetVersion, schema, checks, rowsWritten, rowsQuarantined, settings,
                dev.drover.config.DeliverySettings.DEFAULTS, now, java.util.Map.of());
    }

    /** The events, each carrying its consumer's prepared update (impact per query, proven rewrites) when it declares queries. */
    static List<OutboxEvent> migrated(MigrationPlan plan, RunRecord run, long targetVersion, SchemaDiff schema,
                                             List<CheckResult> checks, long rowsWritten, long rowsQuarantined,
                                             NotifySettings settings, dev.drover.config.DeliverySettings deliveries, Instant now,
                                             java.util.Map<String, ConsumerUpdates.ForConsumer> updates) {
        ObjectNode base = JSON.createObjectNode();
        base.put("dataset", plan.source().name());
        base.put("migration", plan.spec().id());
        base.put("runId", run.runId());
        ObjectNode versions = base.putObject("versions");
        versions.put("old", plan.source().name() + "@" + plan.sourceVersion());
        versions.put("new", plan.target().name() + "@" + targetVersion);
        ObjectNode target = base.putObject("target");
        target.put("dataset", plan.target().name());
        target.put("location", plan.targetLocation());
        target.put("deltaVersion", targetVersion);
        target.put("mode", plan.spec().mode().label());
        base.put("breaking", schema.changes().stream().anyMatch(ColumnChange::breaking));
        ArrayNode columns = base.putArray("schemaChanges");
        ObjectNode mapping = JSON.createObjectNode();
        for (ColumnChange c : schema.changes()) {
            ObjectNode col = columns.addObject();
            col.put("from", c.from());
            col.put("to", c.to());
            col.put("fromType", c.fromType());
            col.put("toType", c.toType());
            if (c.fromNullable() != null) {
                col.put("fromNullable", c.fromNullable());
            }
            if (c.toNullable() != null) {
                col.put("toNullable", c.toNullable());
            }
            ArrayNode kinds = col.putArray("kinds");
            c.kinds().stream().sorted().forEach(k -> kinds.add(k.label()));
            col.put("breaking", c.breaking());
            if (c.from() != null) {
                mapping.put(c.from(), c.to());
            }
        }
        base.set("columnMapping", mapping);
        ObjectNode validation = base.putObject("validation");
        validation.put("passed", checks.stream().allMatch(CheckResult::passed));
        validation.put("checks", checks.size());
        validation.put("failed", checks.stream().filter(c -> !c.passed()).count());
        validation.put("rowsWritten", rowsWritten);
        validation.put("rowsQuarantined", rowsQuarantined);
        base.put("readMore", settings.readMoreUrl().isBlank() ? "drover status " + run.runId() : settings.readMoreUrl() + run.runId());

        List<OutboxEvent> events = new java.util.ArrayList<>();
        for (ConsumerEntity consumer : plan.consumers()) {
            ObjectNode data = base.deepCopy();
            String deadline = deadline(consumer, settings, now);
            ObjectNode c = data.putObject("consumer");
            c.put("name", consumer.name());
            c.put("strategy", consumer.strategy().label());
            c.put("wave", consumer.wave());
            c.put("deadline", deadline);
            if (consumer.strategy() == UpdateStrategy.DUAL_WRITE) {
                c.put("dualWriteUntil", deadline);
                c.put("note", plan.source().name() + " stays live and " + plan.target().name() + " is kept in step with it until "
                        + deadline + " (drover sync applies each change of " + plan.source().name()
                        + ", proven, in one commit of " + plan.target().name() + "); move before then");
                ObjectNode window = c.putObject("transition");
                window.put("source", plan.source().name());
                window.put("target", plan.target().name());
                window.put("until", deadline);
                window.put("sync", "drover sync " + plan.spec().id());
            }
            consumer.contact().ifPresent(v -> c.put("contact", v));
            ConsumerUpdates.ForConsumer update = updates.get(consumer.name());
            List<String> files = List.of();
            if (update != null) {
                c.set("impact", impact(update)); // the consumer's own part of the payload
                files = deliverable(consumer, update);
                if (!files.isEmpty()) {
                    ObjectNode branch = c.putObject("branch");
                    branch.put("repository", consumer.code().repository().orElseThrow());
                    branch.put("name", deliveries.branch(plan.spec().id()));
                    branch.put("base", update.impact().commit().orElse(null));
                    branch.put("baseBranch", consumer.code().branch().orElse(null));
                    ArrayNode paths = branch.putArray("files");
                    files.forEach(paths::add);
                    branch.putNull("commit"); // the notifier fills it in once the branch is pushed
                }
            }
            for (String destination : destinations(consumer, settings, !files.isEmpty())) {
                Channel channel = Channel.of(destination);
                events.add(new OutboxEvent(OutboxEvent.id(run.runId(), consumer.name(), EventType.MIGRATED, channel), run.runId(),
                        plan.spec().id(), plan.source().name(), consumer.name(), EventType.MIGRATED, destination,
                        consumer.strategy(), consumer.wave(), deadline, data.toString(), now));
            }
        }
        return events;
    }

    /** Where a consumer's update goes: Kafka and/or its endpoint, and its repository when there are rewrites to push. */
    static List<String> destinations(ConsumerEntity consumer, NotifySettings settings, boolean rewrites) {
        List<String> out = new java.util.ArrayList<>(consumer.destinations(settings.topic()));
        if (rewrites) {
            out.add(Channel.repository(consumer.code().repository().orElseThrow()));
        }
        return out;
    }

    /**
     * The repository files a consumer's branch changes: queries read from its repository (not
     * inline) whose rewrite is offered, differs from the text, and is not withdrawn by its proof.
     */
    static List<String> deliverable(ConsumerEntity consumer, ConsumerUpdates.ForConsumer update) {
        if (consumer.code().repository().isEmpty() || update.impact().commit().isEmpty()) {
            return List.of();
        }
        return update.queries().stream()
                .filter(p -> !consumer.code().inlineQueries().containsKey(p.impact().query()))
                .filter(p -> p.impact().impact() != dev.drover.impact.ImpactClass.NEEDS_PERSON && p.impact().rewritten().isPresent())
                .filter(p -> p.proof() == null || p.proof().status() != dev.drover.impact.RewriteProof.Status.DIFFERENT)
                .filter(p -> p.changed())
                .map(p -> p.impact().query()).toList();
    }

    /**
     * A consumer's update in its event: its class, the commit its queries were read at, and per
     * query its class, the columns it reads, why, and the rewrite with its proof.
     */
    static ObjectNode impact(ConsumerUpdates.ForConsumer update) {
        ObjectNode o = JSON.createObjectNode();
        o.put("class", update.impactClass().label());
        o.put("commit", update.impact().commit().orElse(null));
        o.put("problem", update.impact().problem().orElse(null));
        ArrayNode queries = o.putArray("queries");
        for (ConsumerUpdates.Prepared p : update.queries()) {
            var q = p.impact();
            ObjectNode n = queries.addObject();
            n.put("query", q.query());
            n.put("class", q.impact().label());
            ArrayNode reads = n.putArray("reads");
            q.reads().forEach(reads::add);
            ArrayNode reasons = n.putArray("reasons");
            q.reasons().forEach(reasons::add);
            boolean offered = q.impact() != dev.drover.impact.ImpactClass.NEEDS_PERSON;
            n.put("rewritten", offered ? q.rewritten().orElse(null) : null);
            n.put("proven", p.proof() != null && p.proof().status() == dev.drover.impact.RewriteProof.Status.PROVEN);
            n.put("proof", p.proof() == null ? null : p.proof().note());
            ArrayNode differences = n.putArray("differences");
            if (p.proof() != null) {
                p.proof().differences().forEach(differences::add);
            }
        }
        return o;
    }
}
