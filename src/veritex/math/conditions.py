"""The words that open, join and close condition clauses, in English and Chinese.

`\\quad \\text{where } x > 0`, `\\text{for } i = 1, \\dots, n`, `\\text{当 } x = 2 \\text{ 时}`,
`\\text{if } x \\ge 0 \\text{ and } y \\ge 0`, and in `cases`, `\\text{otherwise}` / `\\text{否则}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from veritex.math.lexer import Token

START = "start"
JOINER = "joiner"
CLOSER = "closer"


@dataclass(frozen=True)
class Keyword:
    normal: str  # "where", "when", "for", "if", "given", "otherwise", "and", "end"
    role: str  # START, JOINER or CLOSER
    prefix: bool = False  # the clause comes before the statement it restricts (当 x=2 时, ...)


_WORDS: dict[str, Keyword] = {
    **{w: Keyword("where", START) for w in ("where", "with", "here", "其中", "这里", "此处")},
    **{w: Keyword("when", START) for w in ("when", "whenever")},
    **{w: Keyword("for", START) for w in ("for", "for all", "for every", "for each")},
    **{w: Keyword("if", START) for w in ("if", "s.t.", "st", "subject to", "such that",
                                          "provided", "assuming")},
    "given": Keyword("given", START),
    **{w: Keyword("when", START, prefix=True) for w in ("当",)},
    **{w: Keyword("if", START, prefix=True) for w in ("若", "如果", "假设")},
    **{w: Keyword("for", START, prefix=True) for w in ("对于", "对", "对所有", "对任意")},
    **{w: Keyword("otherwise", START) for w in ("otherwise", "else", "elsewhere", "否则",
                                                  "其他", "其它", "其余", "其他情况")},
    **{w: Keyword("and", JOINER) for w in ("and", "且", "并且", "同时")},
    **{w: Keyword("end", CLOSER) for w in ("时", "的时候", "时候", "则", "那么", "then")},
}
_STRIP = " \t\n:：,，;；.。"


def keyword_of(tok: Token) -> Keyword | None:
    """The condition keyword a `\\text{...}` token holds, if it holds one and nothing else."""
    if tok.t != "text" or tok.arg is None:
        return None
    return _WORDS.get(tok.arg.strip(_STRIP).lower())
