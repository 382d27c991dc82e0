#!/usr/bin/env bash
# Creates .venv-bench: the tools veritex is compared with (nbconvert, papermill, jupytext, MyST-NB), kept out of
# veritex's own .venv so that their dependencies never slow veritex down. torch, matplotlib and veritex itself
# come from .venv through a .pth file, so both sides run the same libraries and nothing is installed twice.
#
#   bash bench/setup_peers.sh            # idempotent; set WITH_MYST=0 to skip MyST-NB and Sphinx
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
MAIN_VENV="$ROOT/.venv"
BENCH_VENV="$ROOT/.venv-bench"
KERNEL_NAME="veritex-bench"
WITH_MYST="${WITH_MYST:-1}"

# Pinned so that numbers taken on different days compare the same tools.
PEERS=(
  "nbconvert==7.17.2"
  "papermill==2.7.0"
  "jupytext==1.19.6"
  "ipykernel==7.4.0"
)
MYST=(
  "myst-nb==1.4.0"
  "sphinx==9.0.4"
)

main_site="$("$MAIN_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || {
  echo "veritex's .venv is missing: run 'make venv' first" >&2
  exit 1
}

if [[ ! -x "$BENCH_VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$BENCH_VENV"
  "$BENCH_VENV/bin/python" -m pip install -q --upgrade pip
fi

packages=("${PEERS[@]}")
if [[ "$WITH_MYST" == 1 ]]; then
  packages+=("${MYST[@]}")
fi
"$BENCH_VENV/bin/python" -m pip install -q "${packages[@]}"

# site.addsitedir (not a bare path line) so that .venv's own .pth files run too: veritex is an editable install.
# It appends, so .venv-bench's own packages win wherever both have one.
bench_site="$("$BENCH_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "import site; site.addsitedir('$main_site')" > "$bench_site/zz_veritex_main_venv.pth"

# A kernel spec with an absolute interpreter path: the peers must run their cells in .venv-bench's python,
# never in whatever `python` happens to be first on PATH.
"$BENCH_VENV/bin/python" -m ipykernel install --sys-prefix --name "$KERNEL_NAME" \
  --display-name "Python 3 (veritex bench)" >/dev/null

"$BENCH_VENV/bin/python" - <<'EOF'
import sys

import matplotlib
import nbconvert
import papermill
import torch

print(f"peers ready in {sys.prefix}: nbconvert {nbconvert.__version__}, papermill {papermill.__version__}, "
      f"torch {torch.__version__} (from veritex's .venv), matplotlib {matplotlib.__version__}")
EOF
