"""Fonts, accents and words: `\\mathbf{x}`, `\\mathcal{L}`, `\\mathrm{softmax}`, `\\mathbb{R}`,
`\\hat{y}`, `\\vec{v}`, `\\text{ReLU}`, `\\operatorname{GELU}`. Fonts and accents fold into the
names they cover (typography, not structure); a word in an upright font is one name."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import ACCENTS, BIG_OPERATOR_WORDS, FONTS, WORD_FONTS
from veritex.math.conditions import keyword_of
from veritex.math.lexer import Token
from veritex.math.parsing.engine import ATOMS, COMMANDS, Parser
from veritex.math.parsing.nodes import with_accent, with_font, word_of
from veritex.math.parsing.operators import parse_big_operator, parse_expectation


def _font(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    font = FONTS[tok.value]
    start = tok.start
    if p.peek().t == "{":
        j = p.i + 1
        while p.toks[j].t in ("letter", "num"):
            j += 1
        if p.toks[j].t == "}" and j > p.i + 1:
            pieces = p.toks[p.i + 1 : j]
            p.skip_to(j + 1)
            node = _letters_in_font(pieces, font, (start, p.last_end))
            if isinstance(node, ast.Symbol) and node.font == "bb" and node.name == "E":
                return parse_expectation(p, tok, node)
            if isinstance(node, ast.Symbol) and node.is_word and \
                    node.name.lower() in BIG_OPERATOR_WORDS and font in WORD_FONTS:
                return parse_big_operator(p, BIG_OPERATOR_WORDS[node.name.lower()], tok)
            return node
    body = p.parse_argument(tok)
    if font is None:
        return body
    node = with_font(font, body, (start, p.last_end))
    if isinstance(node, ast.Symbol) and node.font == "bb" and node.name == "E":
        return parse_expectation(p, tok, node)
    return node


def _letters_in_font(pieces: list[Token], font: str | None, span: ast.Span) -> ast.Expr:
    """`\\mathrm{softmax}` is one word, `\\mathbf{xy}` two bold letters, `\\mathbb{1}` a number."""
    if font in WORD_FONTS or len(pieces) == 1:
        word = "".join(p.value for p in pieces)
        if word[0].isdigit():
            number = ast.Number(word, span=span)
            return number if font is None else ast.Styled(font, number, span=span)
        return ast.Symbol(word, font, span=span)
    factors: list[ast.Expr] = []
    for p in pieces:
        if p.t == "letter":
            factors.append(ast.Symbol(p.value, font, span=(p.start, p.end)))
        else:
            number = ast.Number(p.value, span=(p.start, p.end))
            factors.append(number if font is None else ast.Styled(font, number, span=(p.start, p.end)))
    return ast.Juxt(tuple(factors), span=span)


def _accent(p: Parser, tok: Token) -> ast.Expr:
    p.advance()
    body = p.parse_argument(tok)
    return with_accent(ACCENTS[tok.value], body, (tok.start, p.last_end))


def _word(p: Parser, tok: Token) -> ast.Expr:
    """`\\text{...}` or `\\operatorname{...}` as a value: a name or a number."""
    if keyword_of(tok) is not None:
        raise p.error(tok, "a condition keyword where a value is expected")
    word = word_of(tok.arg or "", opname=tok.t == "opname")
    if word is None:
        if "#" in (tok.arg or ""):
            raise p.error(tok, "'#' outside a macro definition", kind="malformed")
        raise p.error(tok, "text where a value is expected")
    p.advance()
    font = "op" if tok.t == "opname" else "text"
    if word[0].isdigit():
        return ast.Styled(font, ast.Number(word, span=(tok.start, tok.end)), span=(tok.start, tok.end))
    return ast.Symbol(word, font, span=(tok.start, tok.end))


COMMANDS.update(dict.fromkeys(FONTS, _font))
COMMANDS.update(dict.fromkeys(ACCENTS, _accent))
ATOMS.update({"text": _word, "opname": _word})
