"""The whole grammar: importing this module registers every construct family's rules in the
engine's tables (the import order below is the families' dependency order)."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.lexer import Token
from veritex.math.parsing import (  # noqa: F401  (imported for their registrations)
    arithmetic,
    atoms,
    delimiters,
    environments,
    fonts,
    fractions,
    functions,
    integrals,
    operators,
    scripts,
)
from veritex.math.parsing.engine import Parser
from veritex.math.parsing.statements import parse_formula


def parse_tokens(tokens: list[Token], function_names: frozenset[str] = frozenset()) -> ast.Formula:
    """The formula the tokens (ending with "eof") spell; `function_names` are letters declared as
    functions. Raises MathSyntaxError."""
    return parse_formula(Parser(tokens, function_names))
