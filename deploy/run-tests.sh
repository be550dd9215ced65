#!/usr/bin/env bash
# The project's test command: installs what the tests need, then builds every module and
# runs all unit, integration, OpenCL (pocl) and Spark tests.
# dist/ is built first (the compile is shared with the Maven build that follows): the tests that run
# the documented commands and the scheduled prep script use it, and must not be skipped here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
bash deploy/build-dist.sh
mvn -B verify -Dsparkcnn.requireDist=true "$@"
