#!/usr/bin/env bash
# Submits a sparkcnn command to YARN (HADOOP_CONF_DIR must point at the cluster's config):
#   EXECUTORS=8 EXECUTOR_CORES=8 deploy/submit/submit-yarn.sh train -c conf/imagenet-resnet50.conf \
#     --set run.dir=hdfs:///user/me/runs/r50 --set data.path=hdfs:///datasets/imagenet-shards --set train.workers=8
# Dynamic allocation is off: the number of workers is fixed for a run (train.workers = EXECUTORS).
set -euo pipefail
source "$(dirname "$0")/common.sh"
# the driver's own replica (averaging, evaluation) is single-threaded; the executors get their cores below
export_thread_env 1
cores="${EXECUTOR_CORES:-4}"
# executors: their cores; the driver in cluster mode: one
mapfile -t thread_opts < <(thread_confs spark.executorEnv. "$cores" ; thread_confs spark.yarn.appMasterEnv. 1)
# libjsig in the containers (deploy/signal-chaining.sh): YARN expands {{JAVA_HOME}} to the node's JDK
yarn_jsig="${SPARKCNN_EXECUTOR_JSIG:-{{JAVA_HOME\}\}/lib/libjsig.so}"
# log4j2.xml travels with --files into every container's working directory; a client-mode driver reads it here
driver_log="-Dlog4j2.configurationFile=log4j2.xml"
[ "${DEPLOY_MODE:-cluster}" = client ] && driver_log="$driver_log_opts"
exec "${submit[@]}" --master yarn --deploy-mode "${DEPLOY_MODE:-cluster}" \
  --driver-memory "${SPARKCNN_DRIVER_MEMORY:-8g}" --executor-memory "${EXECUTOR_MEMORY:-16g}" \
  --num-executors "${EXECUTORS:-2}" --executor-cores "$cores" --conf spark.task.cpus="$cores" \
  --conf spark.dynamicAllocation.enabled=false \
  "${thread_opts[@]}" \
  ${jsig_path:+--conf spark.executorEnv.LD_PRELOAD="$yarn_jsig" --conf spark.yarn.appMasterEnv.LD_PRELOAD="$yarn_jsig"} \
  --conf "spark.driver.extraJavaOptions=$java_opts $driver_log" \
  --conf "spark.executor.extraJavaOptions=$java_opts -Dlog4j2.configurationFile=log4j2.xml -Dio.sparkcnn.log.file=<LOG_DIR>/sparkcnn-executor.log" \
  ${SPARKCNN_GPU_CONF:+--properties-file "$SPARKCNN_GPU_CONF"} \
  --files "$log_config${SPARKCNN_CONFIG_FILES:+,$SPARKCNN_CONFIG_FILES}" \
  --class "$main_class" --jars "$extra_jars" "$app_jar" "$@"
