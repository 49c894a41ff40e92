#!/usr/bin/env bash
# spark-submit of a drover command on this machine (local[*]): a wave, FAIR pools per migration.
#   submit/examples/local.sh [DROVER ARGUMENTS...]     (default: --conf-dir conf wave --plan)
# SPARK_SUBMIT: the spark-submit to run (default: spark-submit on the PATH).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $# -gt 0 ]] || set -- --conf-dir "$ROOT/conf" wave --plan
exec "${SPARK_SUBMIT:-spark-submit}" \
  --master 'local[*]' \
  --class dev.drover.cli.DroverCli \
  --packages io.delta:delta-spark_2.12:3.3.2 \
  --driver-memory 4g \
  --conf spark.scheduler.mode=FAIR \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  "$ROOT/consumer-notifier/target/drover.jar" "$@"
