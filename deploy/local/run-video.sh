#!/usr/bin/env bash
# Video classification end to end in local mode on the local file system, from a fresh checkout:
#   a SYNTHETIC Kinetics (a Fashion-MNIST garment gliding over a textured frame, the class is the motion;
#   exact Kinetics layout with H.264 clips; deploy/prep/synthetic-kinetics.sh) -> data-prep shards (kinetics
#   kind, all 32 frames of 32x32 kept) -> a small R(2+1)D trained with 2 averaging workers on 16-frame clips
#   (conf/kinetics-synthetic-r2plus1d.conf) -> clip and video accuracy on the val split; then the same
#   network on ONE frame (conf/kinetics-synthetic-single-frame.conf), which cannot beat chance (1/8) on this
#   data, trained and evaluated the same way. Both runs' accuracies are printed together at the end.
# The data is synthetic: its figures say nothing about real Kinetics (docs/video.md).
# Work goes to $SPARKCNN_WORK (default /tmp/sparkcnn): synthetic-kinetics, shards/synthetic-kinetics and
# runs/kinetics-synthetic-*. Extra arguments are passed to both train commands (e.g. --set train.epochs=2).
# dist/ is built when missing; after changing the code run deploy/build-dist.sh (or remove dist/) to refresh it.
set -euo pipefail
task=video dataset=synthetic-kinetics prep_kind=kinetics conf=conf/kinetics-synthetic-r2plus1d.conf
generate=(--train 2000 --val 400 --frames 32 --width 32 --height 32 --seed 1)
# every frame as it was encoded (32 at 32x32): the train job picks the 16 of a clip
prep_options=(--frames 32 --resize keep)
baseline_conf=conf/kinetics-synthetic-single-frame.conf
summary_lines='(video|clip) accuracy:'
source "$(dirname "$0")/synthetic-task.sh"
