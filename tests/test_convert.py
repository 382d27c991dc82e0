"""`veritex convert`: Markdown -> notebook -> Markdown gives the same text (property-tested over generated
documents), the notebook is valid and holds the cells, tags, options and front matter veritex reads, and
the source is never written over without --in-place."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import veritex
from veritex.cli import main
from veritex.conversion import ConvertError, markdown_to_notebook, notebook_to_markdown, round_trip
from veritex.model import CodeCell
from veritex.readers import read_ipynb, read_markdown

ACCEPTANCE = Path(__file__).resolve().parents[1].parent / "shared" / "acceptance"

_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_sentence = st.lists(_words, min_size=1, max_size=6).map(" ".join)
_tex = st.sampled_from([r"x_i", r"a * b", r"\frac{1}{n}", r"\{a, b\}", r"W^\top x", r"\sum_{i=1}^n i"])
_label = st.from_regex(r"eq:[a-z]{1,6}", fullmatch=True)


@st.composite
def _paragraph(draw: st.DrawFn) -> str:
    parts = [draw(_sentence)]
    for _ in range(draw(st.integers(0, 2))):
        parts.append(f"${draw(_tex)}$")
        parts.append(draw(_sentence))
    return " ".join(parts)


@st.composite
def _display(draw: st.DrawFn) -> str:
    label = draw(st.one_of(st.none(), _label))
    return f"$$\n{draw(_tex)}\n$$" + (f" ({label})" if label else "")


@st.composite
def _code(draw: st.DrawFn) -> str:
    body = draw(st.lists(st.sampled_from(["x = 1", "print(x)", "y = [i for i in range(3)]", ""]),
                         min_size=1, max_size=3))
    style = draw(st.sampled_from(["myst", "myst-options", "quarto", "plain"]))
    code = "\n".join(body)
    if style == "myst":
        return f"```{{code-cell}} python\n{code}\n```"
    if style == "myst-options":
        tags = draw(st.lists(st.sampled_from(["remove-input", "raises-exception", "hide-output"]),
                             min_size=1, max_size=2, unique=True))
        return f"```{{code-cell}} python\n:tags: [{', '.join(tags)}]\n{code}\n```"
    if style == "quarto":
        return f"```{{python}}\n#| echo: false\n{code}\n```"
    return f"```python\n{code}\n```"


_block = st.one_of(
    _paragraph(),
    _display(),
    _code(),
    st.integers(1, 3).flatmap(lambda n: _sentence.map(lambda s: "#" * n + " " + s)),
    st.sampled_from(["+++", '+++ {"tags": ["intro"]}']),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    front = draw(st.sampled_from(["", "---\ntitle: Generated\n---\n\n",
                                  "---\ntitle: Generated\nmacros:\n  \\R: \"\\\\mathbb{R}\"\n---\n\n"]))
    blocks = draw(st.lists(_block, min_size=1, max_size=8))
    separators = draw(st.lists(st.sampled_from(["\n\n", "\n\n\n", "\n"]), min_size=len(blocks), max_size=len(blocks)))
    text = front
    for block, separator in zip(blocks, separators, strict=True):
        text += block + separator
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_markdown_to_notebook_and_back_is_the_same_text(text: str) -> None:
    assert round_trip(text) == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_notebook_is_valid_and_holds_the_same_cells(text: str) -> None:
    data = markdown_to_notebook(text)
    nbformat.validate(nbformat.from_dict(data))
    source = read_markdown(text, "doc.md")
    notebook = read_ipynb(json.dumps(data), "doc.ipynb")
    code_md = [(c.source, c.tags) for c in source.cells if isinstance(c, CodeCell)]
    code_nb = [(c.source, c.tags) for c in notebook.cells if isinstance(c, CodeCell)]
    assert code_md == code_nb
    assert [m.tex for m in source.all_math()] == [m.tex for m in notebook.all_math()]
    assert [m.label for m in source.all_math()] == [m.label for m in notebook.all_math()]
    assert source.meta.title == notebook.meta.title and source.meta.macros == notebook.meta.macros


@pytest.mark.parametrize("name", ["attention.md", "autograd.md", "linear_regression_tf.md", "broken.md",
                                  "planted_sigmoid.md"])
def test_acceptance_documents_round_trip(name: str) -> None:
    text = (ACCEPTANCE / name).read_text(encoding="utf-8")
    assert round_trip(text) == text


def test_a_notebook_to_markdown_and_back_keeps_its_cells() -> None:
    original = json.loads((ACCEPTANCE / "softmax_stability.ipynb").read_text(encoding="utf-8"))
    markdown = notebook_to_markdown(original)
    again = markdown_to_notebook(markdown)
    kinds = [(c["cell_type"], "".join(c["source"]).strip("\n")) for c in original["cells"]]
    assert [(c["cell_type"], c["source"]) for c in again["cells"]] == kinds
    assert again["metadata"]["veritex"] == original["metadata"]["veritex"]
    assert notebook_to_markdown(again) == markdown


def test_edited_tags_win_over_the_kept_fence() -> None:
    text = "# T\n\n```{code-cell} python\n:tags: [a]\nx = 1\n```\n"
    data = markdown_to_notebook(text)
    data["cells"][1]["metadata"]["tags"] = ["b"]
    back = notebook_to_markdown(data)
    assert ":tags: [\"b\"]" in back and ":tags: [a]" not in back
    assert read_markdown(back, "x.md").cells[1].tags == ["b"]  # type: ignore[union-attr]


def test_cli_converts_and_never_writes_over_the_source(tmp_path: Path) -> None:
    source = tmp_path / "doc.md"
    text = "---\ntitle: T\n---\n\n# T\n\n```{code-cell} python\nx = 1\n```\n"
    source.write_text(text, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(main, ["convert", str(source), "--to", "ipynb"])
    assert done.exit_code == 0, done.output
    notebook = tmp_path / "doc.ipynb"
    assert notebook.exists() and source.read_text(encoding="utf-8") == text
    refused = runner.invoke(main, ["convert", str(notebook), "--to", "md", "-o", str(notebook)])
    assert refused.exit_code == 2 and "--in-place" in refused.output
    refused = runner.invoke(main, ["convert", str(source), "--to", "md"])
    assert refused.exit_code == 2 and "source document" in refused.output
    back = runner.invoke(main, ["convert", str(notebook), "--to", "md", "-o", str(tmp_path / "back.md")])
    assert back.exit_code == 0 and (tmp_path / "back.md").read_text(encoding="utf-8") == text
    with pytest.raises(ConvertError):
        veritex.convert(source, "md")
    assert veritex.convert(source, "md", in_place=True) == source and source.read_text(encoding="utf-8") == text
