#!/usr/bin/env bash
# Submits a sparkcnn command to Kubernetes. The image must hold Spark 4.2 (Scala 2.13, Java 17),
# libopenblas0-pthread (and an OpenCL ICD for GPUs), the dist/app jars under /opt/sparkcnn/app and
# dist/conf/log4j2.xml as /opt/sparkcnn/conf/log4j2.xml:
#   K8S_MASTER=k8s://https://api:6443 IMAGE=registry/sparkcnn:0.1 EXECUTORS=4 EXECUTOR_CORES=8 \
#     deploy/submit/submit-k8s.sh train -c /opt/sparkcnn/conf/imagenet-resnet50.conf --set run.dir=s3a://bucket/runs/r50
set -euo pipefail
source "$(dirname "$0")/common.sh"
# the driver's own replica (averaging, evaluation) is single-threaded; the executors get their cores below
export_thread_env 1
cores="${EXECUTOR_CORES:-4}"
# executors: their cores; the driver in cluster mode: one
mapfile -t thread_opts < <(thread_confs spark.executorEnv. "$cores" ; thread_confs spark.kubernetes.driverEnv. 1)
# libjsig in the pods (deploy/signal-chaining.sh): the JDK of Spark's images (eclipse-temurin) is /opt/java/openjdk
image_jsig="${SPARKCNN_EXECUTOR_JSIG:-/opt/java/openjdk/lib/libjsig.so}"
in_image="local:///opt/sparkcnn/app"
image_jars="$(cd "$dist/app" && ls *.jar | grep -v '^sparkcnn-jobs-' | sed "s#^#$in_image/#" | paste -sd, -)"
exec "${submit[@]}" --master "${K8S_MASTER:?set K8S_MASTER=k8s://https://host:port}" --deploy-mode cluster \
  --conf spark.kubernetes.container.image="${IMAGE:?set IMAGE}" \
  --conf spark.kubernetes.namespace="${NAMESPACE:-default}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${SERVICE_ACCOUNT:-spark}" \
  --conf spark.executor.instances="${EXECUTORS:-2}" --conf spark.executor.cores="$cores" --conf spark.task.cpus="$cores" \
  --conf spark.kubernetes.executor.request.cores="$cores" \
  --conf spark.executor.memory="${EXECUTOR_MEMORY:-16g}" --conf spark.driver.memory="${SPARKCNN_DRIVER_MEMORY:-8g}" \
  --conf spark.dynamicAllocation.enabled=false \
  "${thread_opts[@]}" \
  ${jsig_path:+--conf spark.executorEnv.LD_PRELOAD="$image_jsig" --conf spark.kubernetes.driverEnv.LD_PRELOAD="$image_jsig"} \
  --conf "spark.driver.extraJavaOptions=$java_opts -Dlog4j2.configurationFile=file:/opt/sparkcnn/conf/log4j2.xml" \
  --conf "spark.executor.extraJavaOptions=$java_opts -Dlog4j2.configurationFile=file:/opt/sparkcnn/conf/log4j2.xml -Dio.sparkcnn.log.file=sparkcnn-executor.log" \
  ${SPARKCNN_GPU_CONF:+--properties-file "$SPARKCNN_GPU_CONF"} \
  --class "$main_class" --jars "$image_jars" "$in_image/$(basename "$app_jar")" "$@"
