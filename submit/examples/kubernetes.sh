#!/usr/bin/env bash
# spark-submit of a drover command to Kubernetes, cluster mode: the driver runs in a pod of
# IMAGE, which holds the jar under /opt/drover and the conf folder under /opt/drover/conf.
# Dynamic allocation with shuffle tracking (Kubernetes has no external shuffle service).
#   K8S=https://host:443 IMAGE=registry/drover:0.1.0 submit/examples/kubernetes.sh [DROVER ARGUMENTS...]
# SPARK_SUBMIT: the spark-submit to run (default: spark-submit on the PATH).
set -euo pipefail
[[ $# -gt 0 ]] || set -- --conf-dir /opt/drover/conf --conf drover.environment=prod wave
exec "${SPARK_SUBMIT:-spark-submit}" \
  --master "k8s://${K8S:-https://kubernetes.default.svc:443}" \
  --deploy-mode cluster \
  --name drover-wave \
  --class dev.drover.cli.DroverCli \
  --conf spark.kubernetes.container.image="${IMAGE:-drover:0.1.0}" \
  --conf spark.kubernetes.namespace="${NAMESPACE:-data-platform}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=drover \
  --conf spark.executor.cores=2 --conf spark.executor.memory=4g \
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
  local:///opt/drover/drover.jar "$@"
