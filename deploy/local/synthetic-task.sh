# Sourced by run-segmentation.sh and run-detection.sh: generate -> prep -> train -> evaluate for one task on
# its synthetic dataset, in local mode on the local file system. The caller sets:
#   task        the name printed with the wall time (segmentation, detection)
#   dataset     the generator's name: deploy/prep/<dataset>.sh writes it, and it names the work folders
#   prep_kind   data-prep's source kind (cityscapes, coco)
#   conf        the run's config file; its name (without .conf) names the run folder
#   generate    the generator's arguments (an array)
# and passes its own arguments on, which go to the train command (e.g. --set train.epochs=2).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${SPARKCNN_WORK:-/tmp/sparkcnn}"
cd "$root"
started=$(date +%s)
bash deploy/install-deps.sh
[ -d "${SPARKCNN_DIST:-$root/dist}/app" ] || bash deploy/build-dist.sh
export SPARKCNN_LOCAL_CORES="${SPARKCNN_LOCAL_CORES:-2}"
raw="$work/$dataset"
shards="file://$work/shards/$dataset"
run="file://$work/runs/$(basename "$conf" .conf)"
submit=deploy/submit/submit-local.sh
# the same arguments write the same bytes: generate once (a marker written last says the folder is
# complete), so a rerun leaves the files, and data-prep's fingerprints, alone
if [ "$(cat "$raw.complete" 2>/dev/null)" != "${generate[*]}" ]; then
  rm -rf "$raw" "$raw.complete"
  "deploy/prep/$dataset.sh" --output "$raw" "${generate[@]}"
  echo "${generate[*]}" > "$raw.complete"
fi
# data-prep is incremental and idempotent: a second run finds nothing new to do
SPARKCNN_CLASS=io.sparkcnn.dataprep.PrepCli "$submit" "$prep_kind" "file://$raw" "$shards"
# --resume: a second run continues (or, when finished, just re-evaluates) the first
"$submit" train --resume --config "$conf" --set "data.path=$shards" --set "run.dir=$run" \
  --set train.evaluateAtEnd=false "$@"
"$submit" evaluate --config "$conf" --set "data.path=$shards" --set "run.dir=$run"
echo "run-$task: $(( $(date +%s) - started )) s wall time"
