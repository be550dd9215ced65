# Shared by the submit-*.sh wrappers: finds the application jars and spark-submit.
# SPARKCNN_DIST: the folder deploy/build-dist.sh made (default: <repo>/dist).
# SPARK_SUBMIT: the spark-submit to use (default: $SPARK_HOME/bin/spark-submit, else the one on PATH,
#               else Spark's SparkSubmit class run from dist/jars, which needs no Spark distribution).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dist="${SPARKCNN_DIST:-$root/dist}"
# LD_PRELOAD of the JDK's libjsig for this JVM and its children (why: deploy/signal-chaining.sh)
source "$root/deploy/signal-chaining.sh"
if [ ! -d "$dist/app" ]; then
  echo "no $dist/app: run deploy/build-dist.sh first" >&2
  exit 2
fi
app_jar="$(ls "$dist"/app/sparkcnn-jobs-*.jar | head -1)"
extra_jars="$(ls "$dist"/app/*.jar | grep -v '/sparkcnn-jobs-' | paste -sd, -)"
# Logging (conf/log4j2.xml): WARN and above on the console, the full log in a file: the driver's in
# <run.dir>/logs/ (the jobs choose it), an executor's in sparkcnn-executor.log in its working directory.
# SPARKCNN_LOG_CONFIG: another log4j2 file (on a cluster it must exist at this path on every worker).
log_config="${SPARKCNN_LOG_CONFIG:-$dist/conf/log4j2.xml}"
[ -f "$log_config" ] || log_config="$root/conf/log4j2.xml"
driver_log_opts="-Dlog4j2.configurationFile=file:$log_config"
# (not -Dsparkcnn.*: spark-submit refuses executor options that contain "-Dspark")
executor_log_opts="$driver_log_opts -Dio.sparkcnn.log.file=sparkcnn-executor.log"
if [ -n "${SPARK_SUBMIT:-}" ]; then
  submit=("$SPARK_SUBMIT")
elif [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  submit=("$SPARK_HOME/bin/spark-submit")
elif command -v spark-submit >/dev/null 2>&1; then
  submit=(spark-submit)
else
  # Spark 4 on Java 17 needs these opens; spark-submit's launcher adds them itself
  opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
         --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
         --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
         --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
         --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
         --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
         --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
         -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
  export SPARK_HOME="$dist" SPARK_SCALA_VERSION=2.13
  # this JVM is the driver (client mode): it takes the driver's log options itself
  submit=(java "-Xmx${SPARKCNN_DRIVER_MEMORY:-4g}" "${opens[@]}" "-Dlog4j2.configurationFile=file:$log_config"
          -cp "$dist/jars/*" org.apache.spark.deploy.SparkSubmit)
fi
# the same opens for driver and executors launched by a real spark-submit
java_opts="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
# the thread settings (thread_env, export_thread_env, thread_confs) and the Vector API module (vector_api_opt)
source "$root/deploy/thread-env.sh"
java_opts="$java_opts $vector_api_opt"
# the entry point: the jobs' CLI, or data-prep's (SPARKCNN_CLASS=io.sparkcnn.dataprep.PrepCli)
main_class="${SPARKCNN_CLASS:-io.sparkcnn.jobs.cli.SparkCnn}"
# A native crash writes its JVM error file (hs_err_pid<pid>.log) into the run directory when the
# command names a local one (--set run.dir=/path or file:///path), else into SPARKCNN_ERROR_DIR,
# else the working directory; for driver and executors (a path the executor hosts cannot write
# makes the JVM fall back to its default place).
error_dir="${SPARKCNN_ERROR_DIR:-$PWD}"
for arg in "$@"; do
  case "$arg" in run.dir=file://*) error_dir="${arg#run.dir=file://}" ;; run.dir=/*) error_dir="${arg#run.dir=}" ;; esac
done
mkdir -p "$error_dir" 2>/dev/null || true
error_opt="-XX:ErrorFile=$error_dir/hs_err_pid%p.log"
java_opts="$java_opts $error_opt"
# this JVM is the driver, and in local mode the workers too
if [ "${submit[0]}" = java ]; then submit=(java "$error_opt" "$vector_api_opt" "${submit[@]:1}"); fi
