#!/usr/bin/env bash
# The engine alone, no Spark: trains LeNet-5 on the real Fashion-MNIST in one JVM and prints
# the test accuracy. Arguments go to FashionMnistMain (e.g. --epochs 5 --threads 2).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bash deploy/install-deps.sh
mvn -q -B -N install
mvn -q -B -pl model install -DskipTests
# OpenBLAS's and oneDNN's threads: all cores unless OPENBLAS_NUM_THREADS says otherwise (deploy/thread-env.sh)
source "$root/deploy/thread-env.sh"
export_thread_env "${OPENBLAS_NUM_THREADS:-$(nproc)}"
# exec:java runs in Maven's JVM: the Vector API module goes there
export MAVEN_OPTS="${MAVEN_OPTS:-} $vector_api_opt"
mvn -q -B -pl model exec:java -Dexec.mainClass=io.sparkcnn.model.train.FashionMnistMain -Dexec.args="$*"
