"""Drover wave as an Airflow DAG: plan -> wave -> notify, each a spark-submit of the Drover jar.

Written against the Apache Spark provider's SparkSubmitOperator (apache-airflow-providers-apache-spark)
on Airflow 2.x and 3.x. Put this file in the DAGs folder; set the Airflow Variables (or edit the
defaults below) and a Spark connection (`spark_default`: master URL, deploy mode).

Parameters (trigger with config, e.g. {"datasets": ["users-v1"], "target_version": 2}):
  datasets        catalog datasets whose migrations run (empty: every pending migration)
  target_version  only the migrations to this version of their dataset (spec V<n>; empty: any)
  batch_size      rows per batch for specs that set no batching.max-rows

Exit codes become task states: 0 success; anything else fails the task (1 a migration failed its
checks and was rolled back, 2 bad input, 3 a dataset held by another run, 4 events undelivered).
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

# Spark settings every Drover task needs: FAIR pools per migration, dynamic allocation with
# shuffle tracking, and idle timeouts that let executors go (Delta caches on executors).
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

# Global options of every drover command: the conf folder, the environment, the batch size.
COMMON_ARGS = [
    "--conf-dir", CONF_DIR,
    "--conf", "drover.environment=prod",
    "--conf", "drover.batching.max-rows={{ params.batch_size }}",
]

# The selection, one argument each, rendered from the run's parameters; an empty value selects
# nothing less (drover ignores empty filter values), so every run passes the same arguments.
SELECTION_ARGS = [
    "--dataset={{ params.datasets | join(',') }}",
    "--target-version={{ params.target_version }}",
]

with DAG(
    dag_id="drover_wave",
    description="Migrate datasets to new versions with Drover: plan, wave, notify consumers",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    max_active_runs=1,
    # every task submits the same jar and class with the same Spark conf; only the arguments differ
    default_args={
        "retries": 0,
        "execution_timeout": timedelta(hours=6),
        "conn_id": "spark_default",
        "application": JAR,
        "java_class": "dev.drover.cli.DroverCli",
        "packages": DELTA_PACKAGES,
        "conf": SPARK_CONF,
    },
    params={
        "datasets": Param([], type="array", items={"type": "string"}),
        "target_version": Param("", type="string", pattern="^([1-9][0-9]*)?$"),
        "batch_size": Param(5000000, type="integer", minimum=1),
    },
    tags=["drover", "migration"],
) as dag:
    plan = SparkSubmitOperator(
        task_id="plan",
        name="drover-plan",
        application_args=COMMON_ARGS + ["wave", "--plan"] + SELECTION_ARGS,
    )
    wave = SparkSubmitOperator(
        task_id="wave",
        name="drover-wave",
        application_args=COMMON_ARGS + ["wave"] + SELECTION_ARGS,
    )
    notify = SparkSubmitOperator(
        task_id="notify",
        name="drover-notify",
        application_args=COMMON_ARGS + ["notify", "--retry-failed"],
    )

    plan >> wave >> notify
