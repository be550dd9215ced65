#!/usr/bin/env bash
# Builds what spark-submit needs into dist/ (or $SPARKCNN_DIST):
#   dist/app/   the application jars that a Spark distribution does not have: sparkcnn-jobs,
#               -model, -data-prep, picocli, Typesafe Config, Aparapi (+JNI, BCEL), netlib BLAS,
#               Delta Lake, bytedeco FFmpeg (Kinetics) and oneDNN (+ its OpenCL preset; CPU convolutions), protobuf-java (the ONNX exporter's, for a Spark without it: 4.2 has
#               the same version), JFreeChart (the training report's charts). spark-submit takes dist/app/sparkcnn-jobs-*.jar as the application
#               and the rest with --jars.
#   dist/conf/  log4j2.xml, the launchers' log configuration.
#   dist/jars/  every runtime jar, Spark and Hadoop included: enough to run Spark itself
#               without a distribution (deploy/local/cluster.sh uses it as SPARK_HOME/jars).
# BUILD_DIR_NAME selects Maven's build directory (the parent POM's build.dir.name).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dist="${SPARKCNN_DIST:-$root/dist}"
build="${BUILD_DIR_NAME:-target}"
cd "$root"
rm -rf "$dist/app" "$dist/jars" "$dist/conf"
mkdir -p "$dist/app" "$dist/jars" "$dist/conf"
# the launchers' log configuration (WARN on the console, the full log in a file)
cp conf/log4j2.xml "$dist/conf/"
mvn -q -B ${MAVEN_OFFLINE:+-o} -Dbuild.dir.name="$build" -DskipTests -pl jobs,data-prep -am package \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dist/jars" -Dmdep.overWriteSnapshots=true
for m in model data-prep jobs; do
  ls "$m/$build"/sparkcnn-"$m"-*.jar | grep -vE -- '-(tests|sources|javadoc)\.jar$' | xargs -I{} cp {} "$dist/jars/"
done
# the reactor copies model's dependencies too, where Aparapi's older scala-library is not overridden by
# Spark's: of two versions of one artifact keep the newer, which is what jobs and data-prep resolve
ls "$dist/jars" | sed -E 's/-[0-9][^-]*(-SNAPSHOT)?\.jar$//' | sort | uniq -d | while read -r artifact; do
  ls "$dist/jars/$artifact"-[0-9]*.jar | sort -V | head -n -1 | xargs rm -f
done
# Spark logs through log4j2; a second SLF4J binding only adds warnings
rm -f "$dist"/jars/slf4j-simple-*.jar
for pattern in 'sparkcnn-*.jar' 'picocli-*.jar' 'config-*.jar' 'aparapi-*.jar' 'bcel-*.jar' 'blas-*.jar' \
               'arpack_combined_all-*.jar' 'delta-*.jar' \
               'javacv-*.jar' 'javacpp-*.jar' 'ffmpeg-*.jar' 'dnnl-*.jar' 'opencl-*.jar' 'protobuf-java-[0-9]*.jar' 'jfreechart-*.jar'; do
  for j in "$dist"/jars/$pattern; do [ -e "$j" ] && cp "$j" "$dist/app/"; done
done
echo "dist: $(ls "$dist/app" | wc -l) application jars in $dist/app, $(ls "$dist/jars" | wc -l) runtime jars in $dist/jars"
