#!/usr/bin/env bash
# The engine alone, no Spark: trains LeNet-5 on the real Fashion-MNIST in one JVM and prints
# the test accuracy. Arguments go to FashionMnistMain (e.g. --epochs 5 --threads 2).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bash deploy/install-deps.sh
mvn -q -B -N install
mvn -q -B -pl model install -DskipTests
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$(nproc)}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$OPENBLAS_NUM_THREADS}" GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-3000}" \
  OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
mvn -q -B -pl model exec:java -Dexec.mainClass=io.sparkcnn.model.train.FashionMnistMain -Dexec.args="$*"
