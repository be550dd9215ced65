#!/usr/bin/env bash
# The whole pipeline in local mode on the local file system, from a fresh checkout:
#   Fashion-MNIST idx files (Debian dataset-fashion-mnist) -> data-prep shards -> training with
#   2 workers (a widened LeNet-5, lenet5_wide, conf/fashion-mnist-lenet.conf) -> evaluation on the test split, which
#   prints "test accuracy: ..." (at least 0.90 with the shipped config).
# Work goes to $SPARKCNN_WORK (default /tmp/sparkcnn): shards/fashion-mnist and runs/fashion-mnist-lenet.
# Extra arguments are passed to the train command (e.g. --set train.epochs=2). dist/ is built
# when missing; after changing the code run deploy/build-dist.sh (or remove dist/) to refresh it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${SPARKCNN_WORK:-/tmp/sparkcnn}"
cd "$root"
bash deploy/install-deps.sh
[ -d "${SPARKCNN_DIST:-$root/dist}/app" ] || bash deploy/build-dist.sh
export SPARKCNN_LOCAL_CORES="${SPARKCNN_LOCAL_CORES:-2}"
shards="file://$work/shards/fashion-mnist"
run="file://$work/runs/fashion-mnist-lenet"
submit=deploy/submit/submit-local.sh
# data-prep is incremental and idempotent: a second run finds nothing new to do
SPARKCNN_CLASS=io.sparkcnn.dataprep.PrepCli "$submit" fashion-mnist file:///usr/share/datasets/fashion-mnist "$shards"
# --resume: a second run of this script continues (or, when finished, just re-evaluates) the first
"$submit" train --resume --config conf/fashion-mnist-lenet.conf --set "data.path=$shards" --set "run.dir=$run" \
  --set train.evaluateAtEnd=false "$@"
"$submit" evaluate --config conf/fashion-mnist-lenet.conf --set "data.path=$shards" --set "run.dir=$run"
