"""veritex's TeX parser: a precedence-climbing engine (engine.py) and one module per construct
family, each registering its handlers in the engine's tables; grammar.py assembles them.

    statements    formula, rows, relation chains, shape declarations, conditions, evaluation bars
    arithmetic    signs and infix operators (+ - \\pm, \\cdot \\times / ...) with binding powers
    scripts       subscripts, powers, transposes, primes, indices, factorials, percent signs
    atoms         letters, numbers, Greek, groups, dots, placeholders, refusals
    fonts         fonts, accents, \\text and \\operatorname words
    fractions     fractions, roots, Leibniz derivatives
    delimiters    brackets, \\left/\\right, sizes, |x|, norms, floors, sets, families
    functions     \\log x, f(x), call arguments
    operators     \\sum \\prod \\max \\argmax, \\nabla, \\mathbb{E}
    ranges        the bound-index ranges of reductions and families
    environments  cases and matrices
    nodes         helpers on finished nodes (fonts and accents folded into names)
"""
