#!/usr/bin/env bash
# Submits a sparkcnn command to a Spark standalone cluster:
#   SPARK_MASTER=spark://host:7077 EXECUTOR_CORES=8 EXECUTORS=4 deploy/submit/submit-standalone.sh train -c conf/x.conf
# One training task per executor using all its cores: spark.task.cpus = spark.executor.cores
# (the job refuses anything else), and total cores = EXECUTORS x EXECUTOR_CORES.
set -euo pipefail
source "$(dirname "$0")/common.sh"
# the driver's own replica (averaging, evaluation) is single-threaded: one OpenMP thread for its oneDNN
# convolutions in client mode too, as the executors get theirs below
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
cores="${EXECUTOR_CORES:-4}"
executors="${EXECUTORS:-2}"
exec "${submit[@]}" --master "${SPARK_MASTER:?set SPARK_MASTER=spark://host:port}" --deploy-mode "${DEPLOY_MODE:-client}" \
  --driver-memory "${SPARKCNN_DRIVER_MEMORY:-4g}" --executor-memory "${EXECUTOR_MEMORY:-4g}" \
  --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" \
  --conf spark.cores.max=$((cores * executors)) \
  --conf spark.executorEnv.SPARK_SCALA_VERSION=2.13 \
  --conf spark.executorEnv.OPENBLAS_NUM_THREADS="$cores" \
  --conf spark.executorEnv.OMP_NUM_THREADS="$cores" \
  --conf spark.executorEnv.OMP_WAIT_POLICY=passive \
  --conf spark.executorEnv.OPENBLAS_THREAD_TIMEOUT=4 \
  ${jsig_path:+--conf spark.executorEnv.LD_PRELOAD="${SPARKCNN_EXECUTOR_JSIG:-$jsig_path}"} \
  --conf "spark.driver.extraJavaOptions=$java_opts $driver_log_opts" --conf "spark.executor.extraJavaOptions=$java_opts $executor_log_opts" \
  --class "$main_class" --jars "$extra_jars" "$app_jar" "$@"
