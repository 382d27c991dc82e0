"""Pinned parses: the whole tree with every node's span, or the error's offset, construct, message,
kind and hint, for a sample of formulas (one per node type and more, from the acceptance documents,
the corpus, and broken variants of them). Any change to what the parser returns shows here."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from math_corpus import MACROS

from veritex.math import MathSyntaxError, ast
from veritex.math.reader import read

_PINS = json.loads((Path(__file__).parent / "parse_pins.json").read_text(encoding="utf-8"))


def dump(value: object) -> str:
    """A node with its class, span and fields, recursively."""
    if isinstance(value, ast.Node):
        inner = ",".join(dump(getattr(value, f.name)) for f in fields(value) if f.name != "span")
        return f"{type(value).__name__}{value.span}({inner})"
    if isinstance(value, tuple):
        return "[" + ",".join(dump(item) for item in value) + "]"
    return repr(value)


def outcome(tex: str, macros: dict[str, str]) -> str:
    try:
        return dump(read(tex, macros=macros, functions=frozenset({"g"})))
    except MathSyntaxError as error:
        return f"ERR {error.offset} {error.construct!r} {error.message!r} {error.kind} {error.hint!r}"


@pytest.mark.parametrize(("tex", "expected"), _PINS["plain"])
def test_pinned_parse(tex: str, expected: str) -> None:
    assert outcome(tex, {}) == expected


@pytest.mark.parametrize(("tex", "expected"), _PINS["with_macros"])
def test_pinned_parse_with_macros(tex: str, expected: str) -> None:
    assert outcome(tex, MACROS) == expected


def test_pins_cover_success_and_failure() -> None:
    results = [expected for _, expected in _PINS["plain"]]
    assert sum(r.startswith("ERR") for r in results) > 200
    assert sum(not r.startswith("ERR") for r in results) > 200
