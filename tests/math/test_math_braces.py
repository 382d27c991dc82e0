"""matching_brace: the one brace scanner of veritex's TeX handling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veritex.math.lexer import matching_brace


@pytest.mark.parametrize(("text", "index", "expected"), [
    ("{}", 0, 1),
    ("{a}b", 0, 2),
    ("x{a{b}c}d", 1, 7),
    ("x{a{b}c}d", 3, 5),
    (r"{\}}", 0, 3),          # an escaped brace is not a brace
    (r"{\{}", 0, 3),
    (r"{\\}", 0, 3),          # an escaped backslash does not escape the brace after it
    ("{a", 0, -1),
    ("{{a}", 0, -1),
    ("{a\\", 0, -1),          # a trailing backslash
    (r"\text{a {b} c} d", 5, 13),
])
def test_matching_brace(text: str, index: int, expected: int) -> None:
    assert matching_brace(text, index) == expected


def _reference(text: str, index: int) -> int:
    """The same answer from a stack of open braces, walked from the start of the text."""
    stack: list[int] = []
    k = 0
    while k < len(text):
        c = text[k]
        if c == "\\":
            k += 2
            continue
        if c == "{":
            stack.append(k)
        elif c == "}" and stack and stack.pop() == index:
            return k
        k += 1
    return -1


@given(st.text(alphabet="{}\\ab", max_size=30))
def test_matching_brace_agrees_with_a_stack(text: str) -> None:
    k = 0
    while k < len(text):  # every brace that is not escaped
        if text[k] == "\\":
            k += 2
            continue
        if text[k] == "{":
            assert matching_brace(text, k) == _reference(text, k)
        k += 1
