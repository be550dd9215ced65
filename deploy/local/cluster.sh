#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, without a Spark distribution: one master and
# two workers, each its own JVM started from dist/jars (deploy/build-dist.sh), each PID recorded
# so that stop kills exactly those processes.
#   deploy/local/cluster.sh start|stop|status|url
# SPARKCNN_CLUSTER_DIR  state: PIDs, logs, work dirs (default /tmp/sparkcnn-cluster)
# SPARKCNN_MASTER_PORT  master port (default 7077); the master's web UI is on port+1
# WORKER_CORES / WORKER_MEMORY per worker (default 1 core, 2g)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dist="${SPARKCNN_DIST:-$root/dist}"
state="${SPARKCNN_CLUSTER_DIR:-/tmp/sparkcnn-cluster}"
port="${SPARKCNN_MASTER_PORT:-7077}"
url="spark://127.0.0.1:$port"
# the daemons' environment is their executors' too: LD_PRELOAD of libjsig (why: deploy/signal-chaining.sh)
source "$root/deploy/signal-chaining.sh"
export SPARK_HOME="$dist" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$state/logs"
opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
       --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
       --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
       --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED)

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # file pattern seconds
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2
  tail -20 "$1" >&2
  return 1
}

start() {
  [ -d "$dist/jars" ] || { echo "no $dist/jars: run deploy/build-dist.sh first" >&2; exit 2; }
  if alive "$state/master.pid"; then echo "already running: $url"; return 0; fi
  mkdir -p "$state/logs"
  java -Xmx512m -XX:ErrorFile="$state/logs/hs_err_pid%p.log" -Dlog4j2.configurationFile="file:$root/conf/log4j2-daemons.xml" "${opens[@]}" -cp "$dist/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port $((port + 1)) > "$state/logs/master.log" 2>&1 &
  echo $! > "$state/master.pid"
  wait_for "$state/logs/master.log" "I have been elected leader" 60
  for i in 1 2; do
    mkdir -p "$state/work-$i"
    java -Xmx512m -XX:ErrorFile="$state/logs/hs_err_pid%p.log" -Dlog4j2.configurationFile="file:$root/conf/log4j2-daemons.xml" "${opens[@]}" -cp "$dist/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "${WORKER_CORES:-1}" --memory "${WORKER_MEMORY:-2g}" --work-dir "$state/work-$i" \
      --webui-port 0 "$url" > "$state/logs/worker-$i.log" 2>&1 &
    echo $! > "$state/worker-$i.pid"
  done
  for i in 1 2; do wait_for "$state/logs/worker-$i.log" "Successfully registered with master" 60; done
  echo "$url"
}

stop() {
  for name in worker-1 worker-2 master; do
    f="$state/$name.pid"
    if alive "$f"; then
      pid=$(cat "$f")
      kill "$pid"   # a worker's shutdown hook kills its executors
      for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$f"
  done
}

status() {
  for name in master worker-1 worker-2; do
    if alive "$state/$name.pid"; then echo "$name: running (pid $(cat "$state/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
