"""Random front matter, random Markdown with math and random notebook JSON, through the reader and through
`build` (no code runs): no traceback (no exception, and no "bug in veritex" item from the per-document
guard), no example over 10 s, no example growing the process by 1 GB or more."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veritex import build
from veritex.readers import NotebookError, read
from veritex.readers.front_matter import KEYS

FUZZ = settings(max_examples=60, deadline=timedelta(seconds=10), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_YAML_BITS = st.sampled_from(["", "1", "-1", "0.5", "true", "no", "null", "~", "[1, 2", "[1, 2]", "{a: 1}", "&a x",
                              "*a", "'quoted'", '"\\u00e9"', "|", ">", "- x", ": ", "#", "2024-01-01", "1e9",
                              "!!python/object:os.system", "\t", "\\frac{a}{b}", "é中"])
_KEY_NAMES = st.sampled_from([k.name for k in KEYS] + ["timout", "tittle", "x", "", "- a", "? k", "<<"])
_MARKDOWN_BITS = st.sampled_from([
    "$", "$$", "\\frac{", "}", "{", "x^2", "\\eqref{eq:a}", " (eq:a)", "(eq:a)=", "# ", "\n", "\n\n", "- ", "> ",
    "1. ", "```python\n", "```{code-cell} python\n", "```", "<div>", "</div>", "<script>", "{eval}`x`", "`", "*",
    "_", "\\begin{align}", "\\end{align}", "|a|b|\n|-|-|\n", "![](x.png)", "![](attachment:a.png)",
    "[l](javascript:x)", "+++", "---\n", "\\label{eq:b}", "{eq}`eq:a`", "&amp;", "\\", "\u200b", "\r",
])


def _front_matter() -> st.SearchStrategy[str]:
    line = st.tuples(_KEY_NAMES, st.one_of(_YAML_BITS, st.text(max_size=20))).map(lambda kv: f"{kv[0]}: {kv[1]}")
    return st.lists(st.one_of(line, st.text(max_size=15)), max_size=8).map(lambda ls: "---\n" + "\n".join(ls)
                                                                          + "\n---\n# Title\n")


def _markdown() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(_MARKDOWN_BITS, st.text(max_size=12)), max_size=40).map("".join)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=4), max_leaves=12)


def _cell() -> st.SearchStrategy[dict[str, Any]]:
    output = st.fixed_dictionaries({"output_type": st.sampled_from(["stream", "display_data", "execute_result",
                                                                    "error", "nope"])},
                                   optional={"data": st.dictionaries(st.sampled_from(
                                       ["text/plain", "text/html", "image/png", "image/svg+xml", "text/latex",
                                        "text/markdown", "application/json", "image/jpeg"]), _JSON | _MARKDOWN_BITS),
                                       "text": _JSON, "name": _JSON, "metadata": _JSON, "traceback": _JSON,
                                       "ename": _JSON, "evalue": _JSON, "execution_count": _JSON})
    return st.fixed_dictionaries(
        {"cell_type": st.sampled_from(["code", "markdown", "raw", "other"])},
        optional={"source": st.one_of(_markdown(), st.lists(_markdown(), max_size=3), _JSON),
                  "metadata": _JSON, "outputs": st.lists(output, max_size=3), "attachments": _JSON,
                  "id": st.text(max_size=8), "execution_count": _JSON})


_TEXT = st.one_of(_MARKDOWN_BITS, st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3))


def _valid_output() -> st.SearchStrategy[dict[str, Any]]:
    """Outputs nbformat accepts, with hostile content: the reader gets past validation to the writers."""
    mimes = st.sampled_from(["text/plain", "text/html", "image/png", "image/jpeg", "image/gif", "image/svg+xml",
                             "text/latex", "text/markdown"])
    return st.one_of(
        st.fixed_dictionaries({"output_type": st.just("stream"), "name": st.sampled_from(["stdout", "stderr"]),
                               "text": _TEXT}),
        st.fixed_dictionaries({"output_type": st.just("display_data"), "data": st.dictionaries(mimes, _TEXT),
                               "metadata": st.dictionaries(mimes, st.dictionaries(st.sampled_from(
                                   ["width", "height"]), st.one_of(st.integers(), st.text(max_size=5))))}),
        st.fixed_dictionaries({"output_type": st.just("error"), "ename": st.text(max_size=10),
                               "evalue": st.text(max_size=20), "traceback": st.lists(st.text(max_size=20))}),
    )


def _valid_notebook() -> st.SearchStrategy[dict[str, Any]]:
    code = st.builds(lambda source, outputs, n: {"cell_type": "code", "id": f"c{n}", "metadata": {},
                                                 "execution_count": None, "source": source, "outputs": outputs},
                     _TEXT, st.lists(_valid_output(), max_size=3), st.integers(0, 10**6))
    markdown = st.builds(lambda source, n: {"cell_type": "markdown", "id": f"m{n}", "metadata": {},
                                            "source": source}, _markdown(), st.integers(0, 10**6))
    return st.builds(lambda cells, meta: {"nbformat": 4, "nbformat_minor": 5, "metadata": meta,
                                          "cells": [{**c, "id": f"{c['id']}-{i}"} for i, c in enumerate(cells)]},
                     st.lists(st.one_of(code, markdown), max_size=4),
                     st.one_of(st.just({}), st.fixed_dictionaries({"veritex": st.dictionaries(_KEY_NAMES, _JSON)})))


def _notebook() -> st.SearchStrategy[Any]:
    structured = st.fixed_dictionaries(
        {"cells": st.lists(_cell(), max_size=4)},
        optional={"nbformat": st.sampled_from([4, 3, 5, "4", None]), "nbformat_minor": st.integers(0, 6),
                  "metadata": st.one_of(_JSON, st.fixed_dictionaries({}, optional={"veritex": _JSON,
                                                                                    "kernelspec": _JSON}))})
    return st.one_of(_valid_notebook(), structured, _JSON)


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


@contextlib.contextmanager
def _peak_growth_under(limit_kib: int) -> Iterator[None]:
    """The example's own memory: the process's peak is reset before it (Linux `clear_refs` 5) and compared
    with the size the process had then, so what earlier tests of the session loaded does not count."""
    try:
        Path(f"/proc/{os.getpid()}/clear_refs").write_text("5")
        before = _kib("VmRSS")
    except OSError:  # no /proc: the whole process's peak is all there is
        yield
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2 * limit_kib
        return
    yield
    assert _kib("VmHWM") - before < limit_kib


def _read_and_build(name: str, content: str) -> None:
    with _peak_growth_under(1024**2), tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "src" / name
        source.parent.mkdir()
        source.write_text(content, encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(NotebookError):  # a notebook that cannot be read says why; nothing else raises
            read(source)
        report = build([source.parent], root / "site", execute=False, cache_dir=_CACHE)
        bugs = [i.message for d in report.documents for i in d.items if "bug in veritex" in i.message]
        assert not bugs, bugs


_CACHE = Path(tempfile.mkdtemp(prefix="veritex-fuzz-cache-"))  # typeset formulas shared between examples


@FUZZ
@given(_front_matter(), _markdown())
def test_random_front_matter_and_markdown(front: str, body: str) -> None:
    _read_and_build("doc.md", front + body)


@FUZZ
@given(_markdown())
def test_random_markdown_with_math(text: str) -> None:
    _read_and_build("doc.md", text)


@FUZZ
@given(_notebook())
def test_random_notebook_json(notebook: Any) -> None:
    _read_and_build("nb.ipynb", json.dumps(notebook))
