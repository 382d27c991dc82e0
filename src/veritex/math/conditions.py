"""The words that open, join and close condition clauses, in English and Chinese.

`\\quad \\text{where } x > 0`, `\\text{for } i = 1, \\dots, n`, `\\text{当 } x = 2 \\text{ 时}`,
`\\text{if } x \\ge 0 \\text{ and } y \\ge 0`, and in `cases`, `\\text{otherwise}` / `\\text{否则}`.
A tolerance clause states how close an approximation is: `\\text{to within } 10^{-3}`,
`\\text{relative error } < 1\\%`, `\\text{误差小于 } 10^{-4}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veritex.math.lexer import Token

START = "start"
JOINER = "joiner"
CLOSER = "closer"
WITHIN = "within"
WITHIN_RELATIVE = "within relative"
TOLERANCES = frozenset({WITHIN, WITHIN_RELATIVE})


@dataclass(frozen=True)
class Keyword:
    normal: str  # "where", "when", "for", "if", "given", "within", "within relative", "otherwise", "and", "end"
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
    **{w: Keyword(WITHIN, START) for w in ("to within", "within", "accurate to", "accurate to within",
                                             "with error", "with error below", "with error at most",
                                             "error below", "error at most", "error less than", "tolerance",
                                             "with tolerance", "absolute error", "absolute error below",
                                             "误差", "误差小于", "误差不超过", "绝对误差", "绝对误差小于",
                                             "绝对误差不超过", "精确到")},
    **{w: Keyword(WITHIN_RELATIVE, START) for w in ("relative error", "relative error below",
                                                      "with relative error", "relative error at most",
                                                      "to within a relative", "relative tolerance",
                                                      "相对误差", "相对误差小于", "相对误差不超过")},
    **{w: Keyword("and", JOINER) for w in ("and", "且", "并且", "同时")},
    **{w: Keyword("end", CLOSER) for w in ("时", "的时候", "时候", "则", "那么", "then")},
}
_STRIP = " \t\n:：,，;；.。"


def keyword_of(tok: Token) -> Keyword | None:
    """The condition keyword a `\\text{...}` token holds, if it holds one and nothing else."""
    if tok.t != "text" or tok.arg is None:
        return None
    return _WORDS.get(tok.arg.strip(_STRIP).lower())


_PIECES = re.compile(r"\s*[,，;；、]\s*|\s*\b(and)\b\s*")


def split_clause_words(tokens: list[Token]) -> list[Token]:
    """`\\text{ 时，误差小于 }` and `\\text{ and relative error }` hold two keywords: split such a
    text into one token per keyword, so that the clause grammar sees each. Other text is kept whole."""
    out: list[Token] = []
    for tok in tokens:
        if tok.t != "text" or tok.arg is None or keyword_of(tok) is not None:
            out.append(tok)
            continue
        pieces = [p for p in _PIECES.split(tok.arg.strip(_STRIP)) if p and p.strip(_STRIP)]
        if len(pieces) < 2 or any(p.strip(_STRIP).lower() not in _WORDS for p in pieces):
            out.append(tok)
            continue
        out.extend(Token("text", tok.value, tok.start, tok.end, arg=p) for p in pieces)
    return out
