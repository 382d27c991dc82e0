# veritex: two commands on a fresh machine.
#   make demo   set up .venv and build examples/ into site/
#   make test   set up .venv (and Chromium, MathJax and xelatex for their tests) and run lint, types, import contracts and tests
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
# torch is pinned: this version's CPU build installs without downloading CUDA.
TORCH := torch==2.13.0
TF := tensorflow-cpu>=2.16
# pip notes every local index folder it skips; keep real warnings and errors.
QUIET := { grep -v "is ignored: it is neither a file nor a directory" || true; }

# xelatex, latexmk and the packages the LaTeX writer uses (fvextra: texlive-latex-extra; xeCJK:
# texlive-lang-chinese; ZapfDingbats for hyperref: texlive-fonts-recommended), pdftotext and pdftoppm.
LATEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-lang-chinese texlive-fonts-recommended lmodern \
  latexmk poppler-utils fonts-noto-cjk

.PHONY: demo test venv browser mathjax latex lint typecheck imports pytest bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "veritex needs $(PYTHON) on PATH"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip 2>&1 | $(QUIET)
	$(PIP) install -q "$(TORCH)" "$(TF)" 2>&1 | $(QUIET)
	$(PIP) install -q -e ".[dev,plots]" 2>&1 | $(QUIET)
	@touch $@

venv: $(STAMP)

# Debian's Chromium, driven by Playwright; never a browser download.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "chromium is missing and apt-get is unavailable: browser tests will be skipped"; fi; \
	fi

# MathJax 3 from the npm registry, for the test that renders the notebook through nbconvert's HTML offline.
# Kept in .cache/ (ignored by git), never committed.
MATHJAX_DIR := .cache/mathjax
mathjax:
	@if [ ! -f $(MATHJAX_DIR)/es5/tex-chtml-full.js ]; then \
	  if command -v npm >/dev/null; then \
	    mkdir -p .cache && tarball=$$(cd .cache && npm pack mathjax@3 --silent 2>/dev/null | tail -n 1) \
	      && rm -rf $(MATHJAX_DIR) && mkdir -p $(MATHJAX_DIR) \
	      && tar -xzf .cache/$$tarball -C $(MATHJAX_DIR) --strip-components=1 package/es5 \
	      && rm -f .cache/$$tarball \
	      || echo "MathJax could not be fetched: the nbconvert notebook test will be skipped"; \
	  else echo "npm is missing: the nbconvert notebook test will be skipped"; fi; \
	fi

latex:
	@if ! command -v xelatex >/dev/null || ! command -v latexmk >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! kpsewhich fvextra.sty xeCJK.sty pzdr.tfm >/dev/null; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(LATEX_PACKAGES) >/dev/null) || echo "LaTeX could not be installed: the xelatex tests will be skipped"; \
	  else echo "xelatex is missing and apt-get is unavailable: the xelatex tests will be skipped"; fi; \
	fi

demo: $(STAMP)
	$(VENV)/bin/veritex build examples -o site -j 2

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The allowed imports between veritex's packages: the contracts in pyproject.toml.
imports: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache

pytest: $(STAMP) browser mathjax latex
	$(VENV)/bin/pytest -q -p no:cacheprovider

test: lint typecheck imports pytest

# The peers (nbconvert, papermill, jupytext, MyST-NB) live in .venv-bench, never in .venv.
bench: $(STAMP)
	bash bench/setup_peers.sh
	$(PY) bench/build_bench.py
	$(PY) bench/parse_rate.py
	$(PY) bench/check_speed.py
	$(PY) bench/katex_rate.py
	$(PY) bench/corpus_check.py
	$(PY) bench/publish_cost.py
	$(PY) bench/target_bench.py

clean:
	rm -rf site .veritex-cache bench/out
