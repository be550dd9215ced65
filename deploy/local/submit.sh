#!/usr/bin/env bash
# Submits a sparkcnn command to the local standalone cluster of deploy/local/cluster.sh: two
# executors (one per worker), one core and one training task each.
#   deploy/local/cluster.sh start
#   deploy/local/submit.sh train -c conf/fashion-mnist-lenet.conf --set train.workers=2
set -euo pipefail
here="$(dirname "$0")"
export SPARK_MASTER="$("$here/cluster.sh" url)" EXECUTOR_CORES="${EXECUTOR_CORES:-1}" EXECUTORS=2 \
       EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-1g}" SPARK_LOCAL_IP=127.0.0.1
exec "$here/../submit/submit-standalone.sh" "$@"
