"""Drover transition windows as an Airflow DAG: sync every open window, then look at them all.

Written against the Apache Spark provider's SparkSubmitOperator (apache-airflow-providers-apache-spark)
on Airflow 2.x and 3.x, as drover_wave.py. Runs every 15 minutes: `drover sync --all` applies each
window's source changes to its target in one proven MERGE (one Spark application for all windows);
`drover transition` then reads the consumers' acknowledgements and sends the alerts the windows call
for (a target lagging over drover.sync.max-lag, a dual-write deadline near or passed). Triggered with
{"verify": "true"}, the sync adds the full comparison of every target with the steps over its source.

Parameters (trigger with config, e.g. {"verify": true}):
  verify   also compare all of each target with the steps over its source at the synced version

Exit codes become task states: 0 success; 1 a sync failed its checks (its target was restored; the
next run takes the same range again), 2 bad input or a range the change data feed cannot serve
(drover sync MIGRATION --resnapshot), 3 a target held by another run.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

try:  # Airflow 3
    from airflow.sdk import DAG, Param
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

DROVER_HOME = os.environ.get("DROVER_HOME", "/opt/drover")
JAR = f"{DROVER_HOME}/consumer-notifier/target/drover.jar"
CONF_DIR = f"{DROVER_HOME}/conf"
DELTA_PACKAGES = "io.delta:delta-spark_2.12:3.3.2"

SPARK_CONF = {
    "spark.scheduler.mode": "FAIR",
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.dynamicAllocation.enabled": "true",
    "spark.dynamicAllocation.shuffleTracking.enabled": "true",
    "spark.dynamicAllocation.minExecutors": "0",
    "spark.dynamicAllocation.maxExecutors": "8",
    "spark.dynamicAllocation.executorIdleTimeout": "60s",
    "spark.dynamicAllocation.cachedExecutorIdleTimeout": "60s",
    "spark.dynamicAllocation.shuffleTracking.timeout": "60s",
}

COMMON_ARGS = [
    "--conf-dir", CONF_DIR,
    "--conf", "drover.environment=prod",
]

with DAG(
    dag_id="drover_sync",
    description="Keep every transition window's target in step with its live source, then check the windows",
    start_date=datetime(2026, 1, 1),
    schedule="*/15 * * * *",
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 0,
        "execution_timeout": timedelta(hours=1),
        "conn_id": "spark_default",
        "application": JAR,
        "java_class": "dev.drover.cli.DroverCli",
        "packages": DELTA_PACKAGES,
        "conf": SPARK_CONF,
    },
    params={
        "verify": Param("false", type="string", enum=["true", "false"]),
    },
    tags=["drover", "transition"],
) as dag:
    sync = SparkSubmitOperator(
        task_id="sync",
        name="drover-sync",
        application_args=COMMON_ARGS + ["sync", "--all", "--verify={{ params.verify }}"],
    )
    transition = SparkSubmitOperator(
        task_id="transition",
        name="drover-transition",
        application_args=COMMON_ARGS + ["transition"],
    )

    sync >> transition
