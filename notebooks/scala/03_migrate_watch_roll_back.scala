// Databricks notebook source
// MAGIC %md
// MAGIC # Trigger a migration, watch it, plan a wave, roll back
// MAGIC Drover's Java API from a notebook: the cluster needs Drover's jar (`consumer-notifier/target/drover.jar`) attached.
// MAGIC Off Databricks (spark-shell, the tests) bind `val dbutils = dev.drover.api.LocalDbutils.create()` first.

// COMMAND ----------

dbutils.widgets.text("conf_dir", "/Workspace/drover/conf", "Drover conf folder")
dbutils.widgets.text("warehouse", "/tmp/drover-demo/warehouse", "Warehouse")
dbutils.widgets.text("migration", "users/V2", "Migration")
dbutils.widgets.text("batch_rows", "250000", "Rows per batch")

val confDir = dbutils.widgets.get("conf_dir")
val migration = dbutils.widgets.get("migration")
val overrides = java.util.List.of("drover.warehouse=" + dbutils.widgets.get("warehouse"), "drover.progress=never",
  "drover.batching.max-rows=" + dbutils.widgets.get("batch_rows"))

// COMMAND ----------

import dev.drover.api.Drover
val drover = Drover.open(spark, Drover.config(java.nio.file.Path.of(confDir), overrides))
val plan = drover.plan(migration)
println(s"${plan.spec.id}: ${plan.batches.size} batch(es) from ${plan.spec.source} v${plan.sourceVersion} to ${plan.spec.target}")

// COMMAND ----------

// Trigger it (a passing run is done at once; a failing one rolls itself back)
val result = drover.migrate(migration).execute()
println(s"run ${result.runId}: ${result.outcome}, ${result.rowsWritten} rows written, ${result.rowsQuarantined} quarantined")

// COMMAND ----------

// Watch it: stages, batches, checks, consumers, as drover status shows them
val view = drover.status(result.runId)
view.stages.forEach(s => println(f"${s.stage.label}%-10s ${s.outcome}"))
println(s"${view.committedBatches} batch(es) committed; ${view.checks.size} checks, ${view.checks.stream.filter(c => !c.passed).count} failed")

// COMMAND ----------

// The target's history, joined with the ledger
val history = drover.history(plan.spec.target, 10)
history.forEach(h => println(s"v${h.version} ${h.operation} ${h.run} ${h.stage}"))

// COMMAND ----------

// Plan a wave of everything still pending (nothing is written)
import dev.drover.wave.WaveSelection
val waves = drover.waves(System.out, System.out)
val pending = waves.pending(WaveSelection.ALL, false)
println(s"${pending.plan.items.size} migration(s) pending; ${pending.alreadyApplied.size} already applied")

// COMMAND ----------

// Roll the run back: the target returns to the version it had before the run
val rolledBack = drover.rollback(result.runId, false)
println(rolledBack.message)
