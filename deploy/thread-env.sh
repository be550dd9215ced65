#!/usr/bin/env bash
# Sourced by every script that starts a JVM which trains: the launchers (deploy/submit/common.sh), the
# single-process scripts (deploy/local) and the benchmarks (bench/run, bench/feed-throughput).
# deploy/gpu/gpu-executors.conf and the root POM's surefire environment carry the same values.
# The thread settings of a JVM that trains on N CPU threads, one NAME=VALUE a line: OpenBLAS's team and
# oneDNN's OpenMP team as large as the backend's (Spark gives executors OMP_NUM_THREADS = spark.task.cpus
# too). Idle threads spin only briefly on the cores the other and the Java ops need next: OpenMP's
# (libgomp, bundled with oneDNN) 3000 spins, tens of microseconds, which a convolution's parallel regions
# and barriers need (sleeping at once, OMP_WAIT_POLICY=passive, made oneDNN's LeNet kernels 2-5x slower),
# where libgomp's default of 300,000 made LeNet steps 3-8x slower on a loaded machine; OpenBLAS's 2^4
# cycles, where its default 2^28 (~0.1 s) halved oneDNN's 3x3 rates after each SGEMM
# (docs/benchmarks.md, "How the CPU convolution works").
# The JVM option every such JVM takes: the Vector API (an incubator module in Java 17), which the CPU
# backend's direct convolution of one-channel inputs is written in; without it that layer falls back to
# SGEMM and oneDNN, 3-4x slower on LeNet's first layer (docs/benchmarks.md). The JVM says once on stderr
# that it uses an incubator module.
vector_api_opt=--add-modules=jdk.incubator.vector
thread_env() { printf '%s\n' "OPENBLAS_NUM_THREADS=$1" "OMP_NUM_THREADS=$1" GOMP_SPINCOUNT=3000 OPENBLAS_THREAD_TIMEOUT=4; }
# Exports them for this JVM (the driver; in local mode also its workers), keeping any the user set.
export_thread_env() {
  local kv
  for kv in $(thread_env "$1"); do
    local name="${kv%%=*}"
    [ -n "${!name:-}" ] || export "$kv"
  done
}
# They as spark-submit --conf pairs under a prefix (spark.executorEnv., spark.yarn.appMasterEnv., ...).
thread_confs() { # prefix threads
  local kv
  for kv in $(thread_env "$2"); do printf '%s\n' --conf "$1$kv"; done
}
