#!/usr/bin/env bash
# Semantic segmentation end to end in local mode on the local file system, from a fresh checkout:
#   a SYNTHETIC Cityscapes (Fashion-MNIST garments on textured street scenes, exact Cityscapes layout;
#   deploy/prep/synthetic-cityscapes.sh) -> data-prep shards (cityscapes kind) -> a small U-Net trained
#   with 2 averaging workers (conf/cityscapes-synthetic-unet.conf) -> evaluation on the val split, which
#   prints the per-class IoU table, "val mIoU: ..." and the all-background baseline beside it.
# The data is synthetic: its figures say nothing about real Cityscapes (docs/segmentation.md).
# Work goes to $SPARKCNN_WORK (default /tmp/sparkcnn): synthetic-cityscapes, shards/synthetic-cityscapes and
# runs/cityscapes-synthetic-unet. Extra arguments are passed to the train command (e.g. --set train.epochs=2).
# dist/ is built when missing; after changing the code run deploy/build-dist.sh (or remove dist/) to refresh it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${SPARKCNN_WORK:-/tmp/sparkcnn}"
cd "$root"
started=$(date +%s)
bash deploy/install-deps.sh
[ -d "${SPARKCNN_DIST:-$root/dist}/app" ] || bash deploy/build-dist.sh
export SPARKCNN_LOCAL_CORES="${SPARKCNN_LOCAL_CORES:-2}"
raw="$work/synthetic-cityscapes"
shards="file://$work/shards/synthetic-cityscapes"
run="file://$work/runs/cityscapes-synthetic-unet"
conf=conf/cityscapes-synthetic-unet.conf
submit=deploy/submit/submit-local.sh
# the same arguments write the same bytes: generate once (a marker written last says the folder is
# complete), so a rerun leaves the files, and data-prep's fingerprints, alone
generate=(--train 400 --val 100 --width 64 --height 32 --seed 1)
if [ "$(cat "$raw.complete" 2>/dev/null)" != "${generate[*]}" ]; then
  rm -rf "$raw" "$raw.complete"
  deploy/prep/synthetic-cityscapes.sh --output "$raw" "${generate[@]}"
  echo "${generate[*]}" > "$raw.complete"
fi
# data-prep is incremental and idempotent: a second run finds nothing new to do
SPARKCNN_CLASS=io.sparkcnn.dataprep.PrepCli "$submit" cityscapes "file://$raw" "$shards"
# --resume: a second run of this script continues (or, when finished, just re-evaluates) the first
"$submit" train --resume --config "$conf" --set "data.path=$shards" --set "run.dir=$run" \
  --set train.evaluateAtEnd=false "$@"
"$submit" evaluate --config "$conf" --set "data.path=$shards" --set "run.dir=$run"
echo "run-segmentation: $(( $(date +%s) - started )) s wall time"
