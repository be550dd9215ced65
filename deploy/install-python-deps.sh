#!/usr/bin/env bash
# The Python side of the prep output's readers (deploy/prep/read_shards.py) and its test
# (data-prep PythonReadersTest): a venv with pandas + pyarrow from the machine's pip index or
# mirror, and deltalake (delta-rs) where the index has it; pycocotools for the COCO evaluation
# comparison (model CocoEvalPythonTest). Idempotent: returns at once when the venv already
# imports pandas, pyarrow and pycocotools. Never fails its caller: without python3, venv or a pip
# index that has the packages it says why and exits 0, and the tests skip with the same reason.
# The venv: $SPARKCNN_PYENV, default ~/.cache/sparkcnn/pyenv (outside the checkout, shared by builds).
set -u
venv="${SPARKCNN_PYENV:-$HOME/.cache/sparkcnn/pyenv}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pandas, pyarrow, pycocotools' 2>/dev/null; then
  exit 0
fi
say() { echo "sparkcnn: $*; the Python reader test will skip" >&2; }
cocotools() {
  if ! "$venv/bin/python" -c 'import pycocotools' 2>/dev/null \
      && ! "$venv/bin/python" -m pip install -q --retries 1 --timeout 30 pycocotools >&2; then
    echo "sparkcnn: pip could not install pycocotools; the COCO evaluation comparison test will skip" >&2
  fi
}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pandas, pyarrow' 2>/dev/null; then
  cocotools
  exit 0
fi
py="$(command -v python3 || true)"
if [ -z "$py" ]; then
  say "python3 not found"
  exit 0
fi
if ! "$py" -m venv "$venv" >/dev/null 2>&1; then
  say "'python3 -m venv $venv' failed (Debian/Ubuntu: apt-get install python3-venv)"
  exit 0
fi
echo "sparkcnn: installing pandas and pyarrow into $venv" >&2
# few retries: an unreachable default index must not stall CI while a local mirror answers
if ! "$venv/bin/python" -m pip install -q --retries 1 --timeout 30 pandas pyarrow >&2; then
  say "pip could not install pandas and pyarrow from its index or mirror"
  exit 0
fi
if ! "$venv/bin/python" -m pip install -q --retries 0 --timeout 15 deltalake >/dev/null 2>&1; then
  echo "sparkcnn: deltalake is not in the pip index here; Python readers use _manifest.json (read_shards.py)" >&2
fi
cocotools
exit 0
