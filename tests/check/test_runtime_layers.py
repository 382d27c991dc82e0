"""The kernel side imports nothing of the build side, and reads the file being edited as the readers do.

In a plain Jupyter session `vt.check` reads the notebook or Markdown file itself (`document_file`), with
the standard library: its formulas, labels, positions and macros must be the ones the build hands over.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from veritex.code_checks.document_file import context_of_file
from veritex.readers import read
from veritex.stages.context import math_context

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([*(ROOT.parent / "shared" / "acceptance").glob("*.md"),
                    *(ROOT.parent / "shared" / "acceptance").glob("*.ipynb"), *(ROOT / "examples").iterdir()])
BUILD_SIDE = ("veritex.readers", "veritex.stages", "veritex.writers", "veritex.builder", "veritex.cli")

TRICKY = r"""---
title: Tricky
macros:
  R: \mathbb{R}
  \norm: "\\lVert #1 \\rVert"
---

# Head $x$

A price $5 and $10 stays prose, $a_i * b_j$ and `code $y$` and \$ escaped $z$.

$$x = 1$$ (eq:one)

$$
  y = 2
$$ (eq:two words)

$$ z=3 $$

```{math}
:label: eq:dir
:nowrap: true

w = 4
```

\begin{equation}
a = b \label{eq:ams}
\end{equation}

```python
x = '$q$'
```

- item $p_1$ and
  more $p_2$

> quote $r$

| a | b |
|---|---|
| $t$ | $u$ |

multi $a +
b$ line

$$
\sigma(x) = \frac{1}{1+e^{-x}}
\label{eq:sig}
$$

text with $$inline double$$ here, and an unclosed

$$
q = 1
"""


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_file_is_read_as_the_build_reads_it(path: Path) -> None:
    assert context_of_file(path) == math_context(read(path))


def test_tricky_markdown_is_read_as_the_build_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "tricky.md"
    path.write_text(TRICKY, encoding="utf-8")
    context = context_of_file(path)
    assert context == math_context(read(path))
    assert {f["label"] for f in context["formulas"]} >= {"eq:one", "eq:two-words", "eq:dir", "eq:ams", "eq:sig"}
    assert context["macros"]["\\R"] == "\\mathbb{R}"


DIRECTIVES = r"""# Directives $h$

```{note} The case $n = 1$
:class: tip

A body $a_1$ and

$$
b = 2
$$ (eq:inbox)
```

::::{prf:theorem} Title $t$
:label: thm

Statement $s \in S$.

:::{admonition} Inner $i$
Nested $$c = 3$$ here.
:::
::::

```{code-block} python
x = "$no$"
```

:::{figure} img.png
:name: fig

Caption $f(x)$.
:::

```{solution} thm
Solved $z$ with {math}`w + 1`.
```

A paragraph
$$
p = 1
$$ (eq:not-a-label)
and $\begin{bmatrix} a \end{bmatrix} $ relaxed, $5 and $10 not.
Prices $10, a \$ sign, and $y$.

:::plain
$code$
:::
"""


def test_formulas_in_directive_bodies_are_read_as_the_build_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "book.md"
    path.write_text(DIRECTIVES, encoding="utf-8")
    context = context_of_file(path)
    assert context == math_context(read(path))
    assert [f["tex"] for f in context["formulas"]] == [
        "h", "n = 1", "a_1", "b = 2", "t", "s \\in S", "i", "c = 3", "f(x)", "z", "w + 1", "p = 1",
        "\\begin{bmatrix} a \\end{bmatrix}", "y"]
    assert [f["display"] for f in context["formulas"]].count(True) == 3


def test_a_notebook_with_macros_is_read_as_the_build_reads_it(tmp_path: Path) -> None:
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["The norm\n", "\n", "$$\n\\norm{x}^2\n$$ (eq:n)\n"]},
             {"cell_type": "code", "id": "b", "metadata": {}, "source": "x = 1", "outputs": [], "execution_count": None},
             {"cell_type": "markdown", "id": "c", "metadata": {}, "source": "and $y_i$ inline"}]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
                "metadata": {"veritex": {"macros": {"norm": "\\lVert #1 \\rVert"}}}}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert context_of_file(path) == math_context(read(path))
    assert context_of_file(path)["formulas"][1]["cell"] == 3


def test_vt_check_in_a_plain_kernel_imports_nothing_of_the_build_side(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("---\ntitle: t\n---\n\n$$\n\\mu = \\frac{1}{n}\\sum_{i=1}^{n} x_i\n$$ (eq:mean)\n",
                   encoding="utf-8")
    script = textwrap.dedent(f"""
        import json, os, sys
        os.environ["JPY_SESSION_NAME"] = {str(doc)!r}
        import numpy as np
        import veritex as vt
        right = vt.check("eq:mean", lambda x: np.mean(x), x=np.arange(5.0))
        wrong = vt.check("eq:mean", lambda x: np.sum(x), x=np.arange(5.0))
        @vt.implements("eq:mean", shapes={{"x": ("n",)}}, samples=2)
        def mean(x):
            return np.mean(x)
        leaked = sorted(m for m in sys.modules if m.startswith({BUILD_SIDE!r}))
        print(json.dumps({{"statuses": [right.status, wrong.status], "leaked": leaked}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["statuses"] == ["verified", "refuted"]
    assert outcome["leaked"] == []
