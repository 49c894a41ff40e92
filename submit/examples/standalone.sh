#!/usr/bin/env bash
# spark-submit of a drover command to a Spark standalone cluster (submit/cluster/start makes one):
# executors come and go with the wave (dynamic allocation with shuffle tracking, no external
# shuffle service; idle timeouts set, since Delta caches on executors).
#   MASTER=spark://host:7077 submit/examples/standalone.sh [DROVER ARGUMENTS...]
# SPARK_SUBMIT: the spark-submit to run (default: spark-submit on the PATH).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $# -gt 0 ]] || set -- --conf-dir "$ROOT/conf" --conf drover.environment=prod wave
exec "${SPARK_SUBMIT:-spark-submit}" \
  --master "${MASTER:-spark://127.0.0.1:7077}" \
  --deploy-mode client \
  --class dev.drover.cli.DroverCli \
  --packages io.delta:delta-spark_2.12:3.3.2 \
  --executor-cores 2 --executor-memory 4g \
  --conf spark.scheduler.mode=FAIR \
  --conf spark.dynamicAllocation.enabled=true \
  --conf spark.dynamicAllocation.shuffleTracking.enabled=true \
  --conf spark.dynamicAllocation.minExecutors=0 \
  --conf spark.dynamicAllocation.maxExecutors=8 \
  --conf spark.dynamicAllocation.executorIdleTimeout=60s \
  --conf spark.dynamicAllocation.cachedExecutorIdleTimeout=60s \
  --conf spark.dynamicAllocation.shuffleTracking.timeout=60s \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  "$ROOT/consumer-notifier/target/drover.jar" "$@"
