#!/usr/bin/env bash
# Writes the SYNTHETIC dataset in the COCO 2017 layout (Fashion-MNIST garments on textured
# scenes; docs/data-prep.md, "Synthetic COCO"), from the dist that deploy/build-dist.sh made:
#   deploy/prep/synthetic-coco.sh --output /tmp/sparkcnn/synthetic-coco [--train 400 --val 100 ...]
# SPARKCNN_DIST: the dist folder (default: <repo>/dist). --help lists the options.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dist="${SPARKCNN_DIST:-$root/dist}"
if [ ! -d "$dist/jars" ]; then
  echo "no $dist/jars: run deploy/build-dist.sh first" >&2
  exit 2
fi
exec java -cp "$dist/jars/*" io.sparkcnn.dataprep.synthetic.SyntheticCoco "$@"
