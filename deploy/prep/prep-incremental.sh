#!/usr/bin/env bash
# Runs one incremental data-prep job through spark-submit. Safe to call on a schedule:
# - a second copy does not start while one runs (flock on PREP_LOCK);
# - unchanged input writes nothing ("nothing to do"), new files add shards, changed files replace rows;
# - a killed run leaves the previous output intact (Delta Lake commit), the next run completes it.
# Exit status is the job's: 0 ok / nothing to do, 2 empty or unreadable input, 3 too many rejects.
# Usage: prep-incremental.sh /etc/sparkcnn/prep-imagenet.env   (examples: deploy/prep/prep-*.env.example)
# The jars are the ones deploy/build-dist.sh put in SPARKCNN_DIST/app (Delta Lake, picocli and, for
# Kinetics, javacv/javacpp/FFmpeg with their linux-x86_64 natives): nothing is fetched at run time.
set -euo pipefail

ENV_FILE="${1:?usage: prep-incremental.sh ENV_FILE}"
# shellcheck disable=SC1090
source "$ENV_FILE"

: "${KIND:?set KIND (imagenet, image-folder, mnist, fashion-mnist, cityscapes, coco or kinetics)}"
: "${INPUT:?set INPUT (dataset root URI)}"
: "${OUTPUT:?set OUTPUT (shard table URI)}"
for old in PREP_JAR MODEL_JAR EXTRA_JARS; do
  if [[ -n "${!old:-}" ]]; then
    echo "sparkcnn-prep: $old is no longer read; set SPARKCNN_DIST to the folder deploy/build-dist.sh made" >&2
    exit 2
  fi
done
SPARK_MASTER="${SPARK_MASTER:-yarn}"
DEPLOY_MODE="${DEPLOY_MODE:-client}"
PREP_OPTIONS="${PREP_OPTIONS:-}"
PREP_LOCK="${PREP_LOCK:-/var/lock/sparkcnn-prep-${KIND}.lock}"

# SPARKCNN_DIST (default: this checkout's dist/) and spark-submit: SPARK_SUBMIT, else
# $SPARK_HOME/bin/spark-submit, else the one on PATH, else Spark's SparkSubmit run from dist/jars
source "$(dirname "${BASH_SOURCE[0]}")/../submit/common.sh"
# the application is data-prep's jar; the trainer's jar is not needed
prep_jar="$(ls "$dist"/app/sparkcnn-data-prep-*.jar | head -1)"
prep_jars="$(ls "$dist"/app/*.jar | grep -v -e '/sparkcnn-jobs-' -e '/sparkcnn-data-prep-' | paste -sd, -)"

exec 9>"$PREP_LOCK"
if ! flock -n 9; then
  echo "$(date -u +%FT%TZ) sparkcnn-prep $KIND: previous run still active, skipping" >&2
  exit 0
fi

echo "$(date -u +%FT%TZ) sparkcnn-prep $KIND: $INPUT -> $OUTPUT"
# shellcheck disable=SC2086
"${submit[@]}" \
  --master "$SPARK_MASTER" --deploy-mode "$DEPLOY_MODE" \
  --name "sparkcnn-prep-$KIND" \
  --class io.sparkcnn.dataprep.PrepCli \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --conf "spark.driver.extraJavaOptions=$java_opts $driver_log_opts" --conf "spark.executor.extraJavaOptions=$java_opts $executor_log_opts" \
  --jars "$prep_jars" \
  ${SPARK_SUBMIT_OPTS_EXTRA:-} \
  "$prep_jar" "$KIND" "$INPUT" "$OUTPUT" $PREP_OPTIONS
