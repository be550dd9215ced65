#!/usr/bin/env bash
# Object detection end to end in local mode on the local file system, from a fresh checkout:
#   a SYNTHETIC COCO (Fashion-MNIST garments on textured scenes, exact COCO 2017 layout;
#   deploy/prep/synthetic-coco.sh) -> data-prep shards (coco kind) -> the zoo's small SSD trained with
#   2 averaging workers (conf/coco-synthetic-ssd.conf) -> evaluation on val2017, which prints the COCO
#   summary table (AP, AP50, AP75, AP/AR by area, AR@1/10/100) and the per-category AP.
# The data is synthetic: its figures say nothing about real COCO (docs/detection.md).
# Work goes to $SPARKCNN_WORK (default /tmp/sparkcnn): synthetic-coco, shards/synthetic-coco and
# runs/coco-synthetic-ssd. Extra arguments are passed to the train command (e.g. --set train.epochs=2).
# dist/ is built when missing; after changing the code run deploy/build-dist.sh (or remove dist/) to refresh it.
set -euo pipefail
task=detection dataset=synthetic-coco prep_kind=coco conf=conf/coco-synthetic-ssd.conf
generate=(--train 4000 --val 250 --seed 1)
source "$(dirname "$0")/synthetic-task.sh"
