-- Databricks notebook source
-- MAGIC %md
-- MAGIC # A transition window in SQL
-- MAGIC A new-table migration whose source has dual-write consumers keeps its target (v2) in step with the live
-- MAGIC source (v1) until every consumer has moved: each `drover sync` applies v1's changes since the last one in
-- MAGIC one MERGE, proven, recorded in the ledger's `syncs` table (append-only: a sync's state is its newest row)
-- MAGIC and tagged in v2's history with the source versions it applied. Consumers move by acknowledging their
-- MAGIC event (the outbox's `ack` rows) or by someone saying so (`transitions`, event `moved`).

-- COMMAND ----------

-- parameters: the state folder, the window's migration, its source and target tables
SET state = /tmp/drover-demo/warehouse/_drover;
SET migration = users/V2;
SET source = /tmp/drover-demo/warehouse/users_v1;
SET target = /tmp/drover-demo/warehouse/users_v2;

-- COMMAND ----------

-- The window's syncs as they stand (newest row per sync), oldest first: range, what each did, how long
SELECT sync_id, kind, status, from_version, to_version, change_rows, inserted, updated, deleted, quarantined,
       target_after, round((unix_micros(event_time) - unix_micros(started_at)) / 1e6, 1) AS seconds, message
FROM (SELECT *, row_number() OVER (PARTITION BY sync_id ORDER BY event_time DESC) AS newest
      FROM delta.`${state}/ledger/syncs` WHERE migration = '${migration}')
WHERE newest = 1
ORDER BY started_at

-- COMMAND ----------

-- The lag: the source's latest version (its newest commit file) against the last version a sync brought into the target
SELECT s.latest AS source_latest, coalesce(y.synced, r.source_version) AS synced_to,
       s.latest - coalesce(y.synced, r.source_version) AS versions_behind
FROM (SELECT max(version) AS latest
      FROM (SELECT CAST(regexp_extract(input_file_name(), '(\\d{20})\\.json$', 1) AS BIGINT) AS version
            FROM json.`${source}/_delta_log/*.json`)) s
CROSS JOIN (SELECT max(source_version) AS source_version FROM delta.`${state}/ledger/runs`
            WHERE migration = '${migration}' AND status = 'succeeded') r
LEFT JOIN (SELECT max(to_version) AS synced FROM delta.`${state}/ledger/syncs`
           WHERE migration = '${migration}' AND kind = 'sync' AND status = 'succeeded') y ON true

-- COMMAND ----------

-- Every sync commit of the target with the source versions it applied (a sync's userMetadata has a range),
-- read from the target's commit files (DESCRIBE HISTORY is a statement, not a table, on open-source Spark)
SELECT CAST(regexp_extract(input_file_name(), '(\\d{20})\\.json$', 1) AS BIGINT) AS version,
       commitInfo.operation AS operation, get_json_object(commitInfo.userMetadata, '$.run') AS run,
       get_json_object(commitInfo.userMetadata, '$.range.from') AS source_from,
       get_json_object(commitInfo.userMetadata, '$.range.to') AS source_to,
       commitInfo.operationMetrics.numTargetRowsInserted AS inserted, commitInfo.operationMetrics.numTargetRowsUpdated AS updated,
       commitInfo.operationMetrics.numTargetRowsDeleted AS deleted
FROM json.`${target}/_delta_log/*.json`
WHERE commitInfo IS NOT NULL AND get_json_object(commitInfo.userMetadata, '$.stage') = 'sync'
  AND get_json_object(commitInfo.userMetadata, '$.range') IS NOT NULL   -- the first sync's property change has none
ORDER BY version

-- COMMAND ----------

-- Adoption: each consumer told of the migration, and whether it acknowledged (or was declared moved)
SELECT e.consumer, e.strategy, e.deadline, a.event_time IS NOT NULL OR m.event_time IS NOT NULL AS moved,
       CASE WHEN a.event_time IS NOT NULL THEN 'acknowledged' WHEN m.event_time IS NOT NULL THEN 'declared by ' || m.actor END AS how,
       coalesce(a.event_time, m.event_time) AS moved_at
FROM (SELECT event_id, consumer, strategy, deadline FROM delta.`${state}/ledger/outbox`
      WHERE record = 'event' AND event_type = 'migrated' AND migration = '${migration}') e
LEFT JOIN (SELECT event_id, min(event_time) AS event_time FROM delta.`${state}/ledger/outbox` WHERE record = 'ack' GROUP BY event_id) a
  ON a.event_id = e.event_id
LEFT JOIN (SELECT subject, max(actor) AS actor, min(event_time) AS event_time FROM delta.`${state}/ledger/transitions`
           WHERE migration = '${migration}' AND event = 'moved' GROUP BY subject) m
  ON m.subject = e.consumer
ORDER BY e.consumer
