"""Code checks: does the code compute what the formula says? The machinery behind `vt.check` and
`@vt.implements`; identities and derivation chains, checked without code, live in `veritex.derivations`.

- `formulas`: the document's formulas, parsed once (cached per TeX and macros), found by label;
- `symbols`, `names`: what each name means in the document, and which Python value it takes;
- `evaluate` (with `core`, `products`, `reductions`, `value`, `functions`): the formula's value with
  NumPy, a visitor over `veritex.math.ast`;
- `calling`: the user's function called with the values its parameters name;
- `frameworks`, `tolerance`, `compare`: framework values as NumPy arrays, dtype-aware tolerances, the worst element;
- `diagnose`, `repair`: the likely mistake, from the values and from one-edit variants of the formula;
- `case`, `outcome`: one case of a check, and the verdict it comes to (`check_once`);
- `property`, `sampling`: the random samples of `@vt.implements` (`check_property`).

The package is not called `veritex.check`: importing a subpackage of that name would replace the
public function `veritex.check` (`vt.check(...)`) with the module in every kernel.
"""
