"""Front matter read without PyYAML: whatever the plain reader accepts, it reads as PyYAML does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from veritex.readers.markdown import read_markdown
from veritex.readers.plain_yaml import plain_mapping

KEYS = st.one_of(st.sampled_from(["title", "seed", "timeout", "kernel", "execute", "a_b", "x-y", "yes", "Null",
                                  "on", "OFF", "y", "n"]),
                 st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True))
TRICKY = st.sampled_from(["0", "-0", "00", "08", "0.5", "1.", "1_0", "0x1F", "1e3", "1:20", "-1.25", "+3", ".inf",
                          "true", "True", "false", "yes", "No", "on", "OFF", "null", "~", "", "2024-01-02",
                          "x: y", "x #y", "x#y", "x:", "x:y", "[a, b]", "{a: 1}", "'quoted'", '"quoted"', "&a x",
                          "*a", "!tag x", "|", ">", "% x", "@x", "`x", "Über", "é è", "中文", "x\ty", "x\u2028y"])
TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ019 :#-.,'\"[]{}&*!|>%@`\t_é中")), max_size=12)
PLAINISH = st.one_of(st.from_regex(r"[A-Za-z\u00e9\u4e2d][A-Za-z0-9 ,.'\"()&*!|%@`#:_-]{0,10}", fullmatch=True),
                     st.integers(-10**6, 10**6).map(str), st.floats(-1e6, 1e6).map(lambda x: f"{x:.3f}"))
VALUES = st.one_of(PLAINISH, TRICKY, TEXT, st.builds(lambda a, b: f"{a} {b}", TRICKY, TEXT))
LINES = st.one_of(st.builds(lambda k, v, gap: f"{k}:{gap}{v}", KEYS, VALUES, st.sampled_from([" ", "  ", "", "\t"])),
                  st.sampled_from(["", "# a comment", "  indented: 1", "- item", "---", "key:"]))


def typed(value: Any) -> Any:
    """`1 == 1.0 == True` in Python: compare types too."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    return (type(value).__name__, value)


@settings(max_examples=600, deadline=None)
@given(st.lists(LINES, max_size=6))
def test_what_the_plain_reader_accepts_pyyaml_reads_alike(lines: list[str]) -> None:
    text = "\n".join(lines)
    plain = plain_mapping(text)
    if plain is not None:
        assert typed(plain) == typed(yaml.safe_load(text) or {})


@settings(max_examples=600, deadline=None)
@given(KEYS, PLAINISH)
def test_one_plain_line_reads_as_pyyaml_reads_it(key: str, value: str) -> None:
    text = f"{key}: {value}"
    plain = plain_mapping(text)
    if plain is not None:
        assert typed(plain) == typed(yaml.safe_load(text))


def test_the_usual_front_matter_is_plain_and_the_rest_goes_to_pyyaml() -> None:
    usual = "title: A multilayer perceptron, from the formulas to PyTorch\nseed: 0\ntimeout: 2.5\nexecute: false\n"
    assert plain_mapping(usual) == {"title": "A multilayer perceptron, from the formulas to PyTorch", "seed": 0,
                                    "timeout": 2.5, "execute": False}
    for text in ("macros:\n  \\norm: x", "title: 'quoted'", "execute: no", "title: a # comment", "tags: [a, b]"):
        assert plain_mapping(text) is None, text


def test_a_document_reads_the_same_front_matter_either_way() -> None:
    for front in ("title: Plain\nseed: 3\n", "title: 'Quoted'\nseed: 3\nmacros:\n  R: \\mathbb{R}\n"):
        doc = read_markdown(f"---\n{front}---\n\n# Body\n", Path("doc.md"))
        assert doc.meta.raw == yaml.safe_load(front) and doc.meta.seed == 3 and not doc.items
