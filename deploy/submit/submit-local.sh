#!/usr/bin/env bash
# Runs a sparkcnn command in local mode (one JVM, a thread per worker):
#   deploy/submit/submit-local.sh train --config conf/fashion-mnist-lenet.conf [--set key=value ...]
# SPARKCNN_LOCAL_CORES: threads (default: all cores). Local mode runs every worker's model replica in
# the driver JVM; set train.workers to the number of threads or fewer.
set -euo pipefail
source "$(dirname "$0")/common.sh"
# one machine: Spark need not look for a network address (and warn that the hostname is a loopback one)
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# every task thread is a worker with one core (spark.task.cpus = 1): its BLAS calls must not start a
# team of all cores each, or 2 workers run 4 spinning BLAS threads on 2 cores (docs/benchmarks.md, Threads)
# (the same holds for oneDNN's OpenMP team: deploy/thread-env.sh)
export_thread_env "${OPENBLAS_NUM_THREADS:-1}"
exec "${submit[@]}" --master "local[${SPARKCNN_LOCAL_CORES:-*}]" --driver-memory "${SPARKCNN_DRIVER_MEMORY:-4g}" \
  --conf spark.ui.showConsoleProgress=false --driver-java-options "$error_opt $driver_log_opts" \
  --class "$main_class" --jars "$extra_jars" "$app_jar" "$@"
