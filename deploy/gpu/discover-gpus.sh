#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs of
# this host as Spark's ResourceInformation JSON, e.g. {"name":"gpu","addresses":["0","1"]}.
# The addresses are OpenCL device indices among GPUs and accelerators, the order sparkcnn's
# backend=auto|opencl counts them in (NVIDIA, AMD and Intel GPUs alike); nvidia-smi is the
# fallback when clinfo is missing. A task's address selects its OpenCL device.
set -euo pipefail
count=0
if command -v clinfo >/dev/null 2>&1; then
  count=$(clinfo --list 2>/dev/null | grep -ciE '(gpu|accelerator)' || true)
  if [ "$count" -eq 0 ]; then
    count=$(clinfo 2>/dev/null | grep -E '^\s*Device Type' | grep -ciE 'GPU|Accelerator' || true)
  fi
fi
if [ "$count" -eq 0 ] && command -v nvidia-smi >/dev/null 2>&1; then
  count=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | wc -l)
fi
addresses=""
for ((i = 0; i < count; i++)); do
  addresses+="${addresses:+,}\"$i\""
done
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
