#!/usr/bin/env bash
# Submits a sparkcnn command to a Spark standalone cluster:
#   SPARK_MASTER=spark://host:7077 EXECUTOR_CORES=8 EXECUTORS=4 deploy/submit/submit-standalone.sh train -c conf/x.conf
# One training task per executor using all its cores: spark.task.cpus = spark.executor.cores
# (the job refuses anything else), and total cores = EXECUTORS x EXECUTOR_CORES.
set -euo pipefail
source "$(dirname "$0")/common.sh"
# the driver's own replica (averaging, evaluation) is single-threaded; the executors get their cores below
export_thread_env 1
cores="${EXECUTOR_CORES:-4}"
# executors: their cores
mapfile -t thread_opts < <(thread_confs spark.executorEnv. "$cores")
executors="${EXECUTORS:-2}"
exec "${submit[@]}" --master "${SPARK_MASTER:?set SPARK_MASTER=spark://host:port}" --deploy-mode "${DEPLOY_MODE:-client}" \
  --driver-memory "${SPARKCNN_DRIVER_MEMORY:-4g}" --executor-memory "${EXECUTOR_MEMORY:-4g}" \
  --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" \
  --conf spark.cores.max=$((cores * executors)) \
  --conf spark.executorEnv.SPARK_SCALA_VERSION=2.13 \
  "${thread_opts[@]}" \
  ${jsig_path:+--conf spark.executorEnv.LD_PRELOAD="${SPARKCNN_EXECUTOR_JSIG:-$jsig_path}"} \
  --conf "spark.driver.extraJavaOptions=$java_opts $driver_log_opts" --conf "spark.executor.extraJavaOptions=$java_opts $executor_log_opts" \
  --class "$main_class" --jars "$extra_jars" "$app_jar" "$@"
