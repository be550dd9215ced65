#!/usr/bin/env bash
# Transfer learning on the real Fashion-MNIST, the engine alone in one JVM (no Spark): LeNet-5
# pretrained on classes 0-4, then fine-tuned on classes 5-9 with conv1 and conv2 frozen and a new
# head (fc3 not copied), beside the same network trained from scratch for the same steps; prints
# both test accuracies on classes 5-9 (docs/finetune.md). Arguments go to FineTuneDemo
# (--steps N --batch N --pretrain-epochs N --threads N --data DIR).
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
mvn -q -B -pl model exec:java -Dexec.mainClass=io.sparkcnn.model.train.FineTuneDemo -Dexec.args="$*"
