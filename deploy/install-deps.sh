#!/usr/bin/env bash
# Installs the system packages sparkcnn needs on a Debian/Ubuntu machine (build host, CI,
# or an executor image): Java 17 + Maven to build, native OpenBLAS for the CPU backend
# (netlib's JNI BLAS loads it through libblas.so.3), pocl + the ICD loader so the OpenCL
# backend has a real device everywhere, the real Fashion-MNIST for the demo and tests, headless Chromium and a
# font for the training report's test (docs/report.md: the page as a browser draws it, charts drawn without a display); then
# deploy/install-python-deps.sh (pandas + pyarrow + pycocotools venv for the Python reader and COCOeval tests).
# Only what is missing is installed; run as root or with sudo.
set -euo pipefail

packages=(openjdk-17-jdk-headless maven libopenblas0-pthread pocl-opencl-icd ocl-icd-libopencl1 clinfo dataset-fashion-mnist chromium fonts-dejavu-core)
if [ "${1:-}" = "--with-torch" ]; then packages+=(python3-torch); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# pandas + pyarrow in a venv for the Python reader test; never fails this script
python_deps() { "$(dirname "${BASH_SOURCE[0]}")/install-python-deps.sh" || true; }
if [ ${#missing[@]} -eq 0 ]; then
  python_deps
  exit 0
fi
echo "sparkcnn: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
python_deps
