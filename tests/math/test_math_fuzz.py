"""No input may crash the parser with anything but MathSyntaxError, or hang it."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from math_corpus import CORPUS, MACROS

from veritex.math import MathSyntaxError, parse

SECONDS_PER_INPUT = 2.0

TOKENS = [
    "x", "y", "i", "d", "e", "T", "2", "10", "0.5", "+", "-", "=", "<", ">", ",", ";", ":", ".",
    "!", "'", "|", "/", "*", "(", ")", "[", "]", "{", "}", "^", "_", "&", " ", "\n", "#1", "%",
    "\\\\", "\\frac", "\\dfrac", "\\sqrt", "\\sum", "\\prod", "\\max", "\\argmax", "\\arg",
    "\\log", "\\exp", "\\sigma", "\\alpha", "\\partial", "\\nabla", "\\left", "\\right",
    "\\left(", "\\right)", "\\left.", "\\right|", "\\big", "\\Big|", "\\|", "\\lVert", "\\rVert",
    "\\lfloor", "\\rfloor", "\\{", "\\}", "\\mid", "\\parallel", "\\cdot", "\\times", "\\odot",
    "\\top", "\\prime", "\\hat", "\\mathbf", "\\mathcal", "\\mathbb", "\\mathrm", "\\text{where}",
    "\\text{当 }", "\\text{ 时}", "\\text{否则}", "\\text{if }", "\\text{otherwise}",
    "\\operatorname*{argmax}", "\\quad", "\\qquad", "\\,", "\\!", "\\tag{1}", "\\label{a}",
    "\\begin{cases}", "\\end{cases}", "\\begin{aligned}", "\\end{aligned}", "\\begin{pmatrix}",
    "\\end{pmatrix}", "\\leftarrow", "\\le", "\\approx", "\\in", "\\mathbb{R}", "\\mathbb{E}",
    "\\newcommand", "\\def", "\\norm", "\\dots", "\\pm", "\\foo", "\\stackrel", "\\infty",
    "\\%", "\\text{ to within }", "\\text{ and relative error }", "\\text{ 时，误差小于 }",
]


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, when one input takes too long."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"parsing took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parse_or_refuse(tex: str) -> None:
    started = time.perf_counter()
    with time_limit(SECONDS_PER_INPUT):
        try:
            parse(tex, macros=MACROS)
        except MathSyntaxError as err:
            assert 0 <= err.offset <= len(tex) + 1, (err.offset, len(tex))
            assert err.construct
    assert time.perf_counter() - started < SECONDS_PER_INPUT


FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=120))
def test_random_text(tex: str) -> None:
    parse_or_refuse(tex)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_random_token_sequences(tokens: list[str]) -> None:
    parse_or_refuse("".join(tokens))


@FUZZ
@given(st.sampled_from([tex for tex, _ in CORPUS]), st.integers(0, 400), st.integers(0, 400),
       st.sampled_from(TOKENS))
def test_corpus_with_a_cut_or_an_insertion(tex: str, cut: int, at: int, token: str) -> None:
    """Nearly valid formulas exercise the deeper parts of the parser."""
    parse_or_refuse(tex[: cut % (len(tex) + 1)])
    k = at % (len(tex) + 1)
    parse_or_refuse(tex[:k] + token + tex[k:])


def test_deep_nesting_is_refused_not_overflowed() -> None:
    for opener, closer in (("{", "}"), ("(", ")"), ("\\sqrt{", "}"), ("x^{", "}"),
                           ("\\left(", "\\right)"), ("\\hat", ""), ("|", "|")):
        parse_or_refuse(opener * 500 + "x" + closer * 500)


def test_self_calling_macros_are_refused() -> None:
    for tex in (r"\def\a{\a\a} \a", r"\def\a{\a} \a", r"\newcommand{\b}[1]{\b{#1#1}} \b{x}"):
        parse_or_refuse(tex)
