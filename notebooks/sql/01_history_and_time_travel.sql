-- Databricks notebook source
-- MAGIC %md
-- MAGIC # A dataset's Delta history, as Drover wrote it
-- MAGIC Every commit Drover makes carries `userMetadata`: `{"tool":"drover","run":…,"migration":…,"stage":…,"batch":…}`.
-- MAGIC Set the parameters below (on Databricks, or with `SET` anywhere), then run all.

-- COMMAND ----------

-- parameters: the target's location, and two versions to compare
SET target = /tmp/drover-demo/warehouse/users_v2;
SET from_version = 1;
SET to_version = 2;

-- COMMAND ----------

-- The table's history, newest first, as Delta keeps it
DESCRIBE HISTORY delta.`${target}`

-- COMMAND ----------

-- The same commits with Drover's tag parsed: which run, migration, stage and batch made each version
SELECT CAST(regexp_extract(input_file_name(), '(\\d{20})\\.json$', 1) AS BIGINT) AS version,
       timestamp_millis(commitInfo.timestamp) AS committed_at,
       commitInfo.operation AS operation,
       tag.run, tag.migration, tag.stage, tag.batch,
       CAST(commitInfo.operationMetrics.numOutputRows AS BIGINT) AS rows_written
FROM (SELECT commitInfo, from_json(commitInfo.userMetadata, 'tool STRING, run STRING, migration STRING, stage STRING, batch INT') AS tag
      FROM json.`${target}/_delta_log/*.json`
      WHERE commitInfo IS NOT NULL)
ORDER BY version DESC

-- COMMAND ----------

-- Time travel: the table as it was at from_version
SELECT count(*) AS rows_then FROM delta.`${target}` VERSION AS OF ${from_version}

-- COMMAND ----------

-- What to_version added over from_version, row for row (EXCEPT ALL keeps duplicates)
SELECT * FROM delta.`${target}` VERSION AS OF ${to_version}
EXCEPT ALL
SELECT * FROM delta.`${target}` VERSION AS OF ${from_version}
