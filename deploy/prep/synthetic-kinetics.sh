#!/usr/bin/env bash
# Writes the SYNTHETIC dataset in the Kinetics layout (a Fashion-MNIST garment whose motion is the class,
# H.264 clips; docs/data-prep.md, "Synthetic Kinetics"), from the dist that deploy/build-dist.sh made:
#   deploy/prep/synthetic-kinetics.sh --output /tmp/sparkcnn/synthetic-kinetics [--train 2000 --val 400 ...]
# SPARKCNN_DIST: the dist folder (default: <repo>/dist). --help lists the options.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dist="${SPARKCNN_DIST:-$root/dist}"
if [ ! -d "$dist/jars" ]; then
  echo "no $dist/jars: run deploy/build-dist.sh first" >&2
  exit 2
fi
exec java -cp "$dist/jars/*" io.sparkcnn.dataprep.synthetic.SyntheticKinetics "$@"
