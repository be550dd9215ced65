#!/usr/bin/env bash
# Runs one incremental data-prep job through spark-submit. Safe to call on a schedule:
# - a second copy does not start while one runs (flock on PREP_LOCK);
# - unchanged input writes nothing ("nothing to do"), new files add shards, changed files replace rows;
# - a killed run leaves the previous output intact (Delta Lake commit), the next run completes it.
# Exit status is the job's: 0 ok / nothing to do, 2 empty or unreadable input, 3 too many rejects.
# Usage: prep-incremental.sh /etc/sparkcnn/prep-imagenet.env
set -euo pipefail

ENV_FILE="${1:?usage: prep-incremental.sh ENV_FILE}"
# shellcheck disable=SC1090
source "$ENV_FILE"

: "${SPARK_HOME:?set SPARK_HOME (a Spark 4.2.0 / Scala 2.13 distribution)}"
: "${PREP_JAR:?set PREP_JAR (sparkcnn-data-prep jar)}"
: "${MODEL_JAR:?set MODEL_JAR (sparkcnn-model jar)}"
: "${KIND:?set KIND (imagenet, image-folder, mnist, fashion-mnist, cityscapes)}"
: "${INPUT:?set INPUT (dataset root URI)}"
: "${OUTPUT:?set OUTPUT (shard table URI)}"
SPARK_MASTER="${SPARK_MASTER:-yarn}"
DEPLOY_MODE="${DEPLOY_MODE:-client}"
PREP_OPTIONS="${PREP_OPTIONS:-}"
PREP_LOCK="${PREP_LOCK:-/var/lock/sparkcnn-prep-${KIND}.lock}"
# WARN and above on the console, the full log in OUTPUT.logs/ (PREP_LOG_CONFIG: another log4j2 file,
# at the same path on every worker)
PREP_LOG_CONFIG="${PREP_LOG_CONFIG:-$(cd "$(dirname "$0")/../.." && pwd)/conf/log4j2.xml}"
# Delta Lake and picocli come from Maven Central (or the mirror in spark.jars.ivySettings) unless
# EXTRA_JARS lists local copies, comma-separated.
PACKAGES="io.delta:delta-spark_2.13:4.4.0,info.picocli:picocli:4.7.7"

jars="$MODEL_JAR"
deps=(--packages "$PACKAGES")
if [[ -n "${EXTRA_JARS:-}" ]]; then
  jars="$jars,$EXTRA_JARS"
  deps=()
fi

exec 9>"$PREP_LOCK"
if ! flock -n 9; then
  echo "$(date -u +%FT%TZ) sparkcnn-prep $KIND: previous run still active, skipping" >&2
  exit 0
fi

echo "$(date -u +%FT%TZ) sparkcnn-prep $KIND: $INPUT -> $OUTPUT"
# shellcheck disable=SC2086
"$SPARK_HOME/bin/spark-submit" \
  --master "$SPARK_MASTER" --deploy-mode "$DEPLOY_MODE" \
  --name "sparkcnn-prep-$KIND" \
  --class io.sparkcnn.dataprep.PrepCli \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --driver-java-options "-Dlog4j2.configurationFile=file:$PREP_LOG_CONFIG" \
  --conf "spark.executor.extraJavaOptions=-Dlog4j2.configurationFile=file:$PREP_LOG_CONFIG -Dsparkcnn.log.file=sparkcnn-executor.log" \
  "${deps[@]}" --jars "$jars" \
  ${SPARK_SUBMIT_OPTS_EXTRA:-} \
  "$PREP_JAR" "$KIND" "$INPUT" "$OUTPUT" $PREP_OPTIONS
