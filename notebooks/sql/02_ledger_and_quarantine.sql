-- Databricks notebook source
-- MAGIC %md
-- MAGIC # The ledger and the quarantine, as plain Delta tables
-- MAGIC The ledger lives under `<warehouse>/_drover/ledger/<table>` (runs, stages, batches, checks, quarantine_counts,
-- MAGIC schema_changes, outbox, waves, wave_runs, fleet, requests, alerts). Its tables are append-only: the state of a
-- MAGIC run is its newest row. A target's quarantine table is `<target location>_quarantine`.

-- COMMAND ----------

-- parameters: the state folder and a target's quarantine table
SET state = /tmp/drover-demo/warehouse/_drover;
SET quarantine = /tmp/drover-demo/warehouse/users_v2_quarantine;

-- COMMAND ----------

-- Every run as it stands now (its newest row), newest first
SELECT run_id, migration, status, target, source_version, snapshot_version, target_version, message, event_time
FROM (SELECT *, row_number() OVER (PARTITION BY run_id ORDER BY event_time DESC) AS newest
      FROM delta.`${state}/ledger/runs`)
WHERE newest = 1
ORDER BY event_time DESC

-- COMMAND ----------

-- Stages of every run with their durations in seconds
SELECT run_id, stage, outcome, expected_runtime,
       round((unix_micros(ended_at) - unix_micros(started_at)) / 1e6, 1) AS seconds
FROM (SELECT *, row_number() OVER (PARTITION BY run_id, stage ORDER BY event_time DESC) AS newest
      FROM delta.`${state}/ledger/stages`)
WHERE newest = 1 AND ended_at IS NOT NULL
ORDER BY run_id, started_at

-- COMMAND ----------

-- Checks: passed and failed per run (each run's latest validation)
SELECT run_id, count_if(passed) AS passed, count_if(NOT passed) AS failed, count_if(warning) AS warnings
FROM (SELECT *, max(event_time) OVER (PARTITION BY run_id) AS latest FROM delta.`${state}/ledger/checks`)
WHERE event_time = latest
GROUP BY run_id
ORDER BY run_id

-- COMMAND ----------

-- Quarantined rows per run and step
SELECT run_id, step, sum(error_count) AS rows
FROM delta.`${state}/ledger/quarantine_counts`
GROUP BY run_id, step
ORDER BY rows DESC

-- COMMAND ----------

-- Consumer events in the outbox and how far each got (an event's state is its newest delivery row)
SELECT coalesce(d.status, 'pending') AS status, count(*) AS events
FROM (SELECT event_id, consumer FROM delta.`${state}/ledger/outbox` WHERE record = 'event') e
LEFT JOIN (SELECT event_id, status FROM (
             SELECT event_id, status, row_number() OVER (PARTITION BY event_id ORDER BY event_time DESC) AS newest
             FROM delta.`${state}/ledger/outbox` WHERE record = 'delivery') WHERE newest = 1) d
  ON e.event_id = d.event_id
GROUP BY coalesce(d.status, 'pending')

-- COMMAND ----------

-- The fleet: executors added and removed and the policy's requests, per wave, with the peaks
-- (rows appear when a wave or the agent runs on a cluster with dynamic allocation)
SELECT wave_id, event, count(*) AS changes, max(executors) AS peak_executors, max(backlog) AS peak_backlog,
       min(event_time) AS first_at, max(event_time) AS last_at
FROM delta.`${state}/ledger/fleet`
GROUP BY wave_id, event
ORDER BY wave_id, event

-- COMMAND ----------

-- Quarantine triage: the most frequent kinds of error (the text before the first ':')
SELECT step, trim(regexp_extract(error, '^([^:]*)', 1)) AS kind, count(*) AS rows, min(key) AS a_key
FROM delta.`${quarantine}`
GROUP BY step, trim(regexp_extract(error, '^([^:]*)', 1))
ORDER BY rows DESC
LIMIT 10

-- COMMAND ----------

-- A few quarantined rows as they came from the source, with why
SELECT run_id, batch_id, step, error, key, row
FROM delta.`${quarantine}`
ORDER BY quarantined_at DESC, key
LIMIT 5
