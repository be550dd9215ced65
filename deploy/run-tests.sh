#!/usr/bin/env bash
# The project's test command: installs what the tests need, then builds every module and
# runs all unit, integration, OpenCL (pocl) and Spark tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
mvn -B verify "$@"
