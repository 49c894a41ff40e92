#!/usr/bin/env bash
# spark-submit of a drover command to YARN (HADOOP_CONF_DIR or YARN_CONF_DIR must name the
# cluster's configuration). Client mode: the driver, and so the conf folder, stays on this host.
# Dynamic allocation with shuffle tracking needs no external shuffle service on the NodeManagers.
#   submit/examples/yarn.sh [DROVER ARGUMENTS...]
# SPARK_SUBMIT: the spark-submit to run (default: spark-submit on the PATH).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $# -gt 0 ]] || set -- --conf-dir "$ROOT/conf" --conf drover.environment=prod wave
exec "${SPARK_SUBMIT:-spark-submit}" \
  --master yarn \
  --deploy-mode client \
  --queue "${YARN_QUEUE:-default}" \
  --class dev.drover.cli.DroverCli \
  --packages io.delta:delta-spark_2.12:3.3.2,org.apache.hadoop:hadoop-aws:3.3.4 \
  --executor-cores 2 --executor-memory 4g \
  --conf spark.scheduler.mode=FAIR \
  --conf spark.dynamicAllocation.enabled=true \
  --conf spark.dynamicAllocation.shuffleTracking.enabled=true \
  --conf spark.dynamicAllocation.minExecutors=0 \
  --conf spark.dynamicAllocation.maxExecutors=50 \
  --conf spark.dynamicAllocation.executorIdleTimeout=60s \
  --conf spark.dynamicAllocation.cachedExecutorIdleTimeout=300s \
  --conf spark.dynamicAllocation.shuffleTracking.timeout=300s \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  "$ROOT/consumer-notifier/target/drover.jar" "$@"
