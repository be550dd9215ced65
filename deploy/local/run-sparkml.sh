#!/usr/bin/env bash
# The Spark ML pair in local mode on the real Fashion-MNIST: data-prep shards (as the main job makes
# them) -> a Pipeline of a SQLTransformer and CnnClassifier (LeNet-5, 2 parameter-averaging workers)
# fitted on the train split -> test accuracy from Spark ML's MulticlassClassificationEvaluator ->
# the PipelineModel saved, loaded and checked to predict the same (docs/sparkml.md).
# Work goes to $SPARKCNN_WORK (default /tmp/sparkcnn): shards/fashion-mnist (shared with
# run-fashion-mnist.sh) and runs/sparkml (removed first: fit refuses a runDir holding checkpoints).
# The first argument is the number of epochs (default 1). dist/ is built when missing; after changing
# the code run deploy/build-dist.sh (or remove dist/) to refresh it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${SPARKCNN_WORK:-/tmp/sparkcnn}"
cd "$root"
bash deploy/install-deps.sh
[ -d "${SPARKCNN_DIST:-$root/dist}/app" ] || bash deploy/build-dist.sh
export SPARKCNN_LOCAL_CORES="${SPARKCNN_LOCAL_CORES:-2}"
shards="file://$work/shards/fashion-mnist"
rm -rf "$work/runs/sparkml"
submit=deploy/submit/submit-local.sh
# data-prep is incremental and idempotent: a second run finds nothing new to do
SPARKCNN_CLASS=io.sparkcnn.dataprep.PrepCli "$submit" fashion-mnist file:///usr/share/datasets/fashion-mnist "$shards"
SPARKCNN_CLASS=io.sparkcnn.jobs.ml.CnnClassifierExample "$submit" "$shards" "file://$work/runs/sparkml" "${1:-1}"
