# Sourced by run-segmentation.sh, run-detection.sh and run-video.sh: generate -> prep -> train -> evaluate for
# one task on its synthetic dataset, in local mode on the local file system. The caller sets:
#   task        the name printed with the wall time (segmentation, detection, video)
#   dataset     the generator's name: deploy/prep/<dataset>.sh writes it, and it names the work folders
#   prep_kind   data-prep's source kind (cityscapes, coco, kinetics)
#   conf        the run's config file; its name (without .conf) names the run folder
#   generate    the generator's arguments (an array)
# and optionally
#   prep_options   data-prep's options (an array, e.g. --frames 32)
#   baseline_conf  a second config trained and evaluated on the same shards after the first (video: the
#                  single-frame baseline), with summary_lines: a grep pattern of the evaluation lines that
#                  are printed again for both runs at the end
# and passes its own arguments on, which go to the train commands (e.g. --set train.epochs=2).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${SPARKCNN_WORK:-/tmp/sparkcnn}"
cd "$root"
started=$(date +%s)
bash deploy/install-deps.sh
[ -d "${SPARKCNN_DIST:-$root/dist}/app" ] || bash deploy/build-dist.sh
export SPARKCNN_LOCAL_CORES="${SPARKCNN_LOCAL_CORES:-2}"
raw="$work/$dataset"
shards="file://$work/shards/$dataset"
submit=deploy/submit/submit-local.sh
# the same arguments write the same bytes: generate once (a marker written last says the folder is
# complete), so a rerun leaves the files, and data-prep's fingerprints, alone
if [ "$(cat "$raw.complete" 2>/dev/null)" != "${generate[*]}" ]; then
  rm -rf "$raw" "$raw.complete"
  "deploy/prep/$dataset.sh" --output "$raw" "${generate[@]}"
  echo "${generate[*]}" > "$raw.complete"
fi
# data-prep is incremental and idempotent: a second run finds nothing new to do
SPARKCNN_CLASS=io.sparkcnn.dataprep.PrepCli "$submit" "$prep_kind" "file://$raw" "$shards" ${prep_options[@]+"${prep_options[@]}"}
configs=("$conf")
[ -z "${baseline_conf:-}" ] || configs+=("$baseline_conf")
for c in "${configs[@]}"; do
  run="file://$work/runs/$(basename "$c" .conf)"
  # --resume: a second run continues (or, when finished, just re-evaluates) the first
  "$submit" train --resume --config "$c" --set "data.path=$shards" --set "run.dir=$run" \
    --set train.evaluateAtEnd=false "$@"
  "$submit" evaluate --config "$c" --set "data.path=$shards" --set "run.dir=$run" | tee "$work/evaluate-$(basename "$c" .conf).txt"
done
if [ -n "${summary_lines:-}" ]; then
  for c in "${configs[@]}"; do
    grep -E "$summary_lines" "$work/evaluate-$(basename "$c" .conf).txt" | sed "s|^|$(basename "$c" .conf): |"
  done
fi
echo "run-$task: $(( $(date +%s) - started )) s wall time"
