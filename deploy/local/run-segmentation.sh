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
task=segmentation dataset=synthetic-cityscapes prep_kind=cityscapes conf=conf/cityscapes-synthetic-unet.conf
generate=(--train 400 --val 100 --width 64 --height 32 --seed 1)
source "$(dirname "$0")/synthetic-task.sh"
