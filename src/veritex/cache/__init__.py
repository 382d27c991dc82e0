"""The one cache of veritex: every stage and writer that keeps results between builds goes through it.

- `keys`: the one key function (sha256 over canonical JSON, veritex's version and the environment's
  fingerprint folded in); `fingerprint`: that fingerprint, cheap.
- `store`: the layout under the cache folder, atomic writes, damaged entries as noted misses.
- `prune`: sizes per namespace, least-recently-used pruning, the size cap applied after a build.
- `datafiles`: hashes of the files a document's cells read.

Namespaces in use: `exec` (runs of a document's cells), `stamps` (a built page and its report, per
document), `math` (KaTeX output, per document), `identities` (one verdict per formula plan),
`identity-documents` (a document's identity items), `crosscheck-documents` (a document's cross-check
items), `crosscheck-results` (what a cross-check worked out for some formulas), `highlight` (highlighted code, per document),
`templates` (compiled page templates), `latex-code` (code highlighted for LaTeX, per document), `graphics`
(mermaid diagrams and SVG figures drawn to PDF). The PDF writer compiles in `_latex/`, which is no namespace.

This package imports only the standard library and veritex's base modules (`fsutil`), so that stages,
writers and the builder may all use it.
"""

from __future__ import annotations

from .cap import enforce_cap
from .keys import canonical, digest, make_key
from .store import Notes, Store, begin_notes, collecting, current_notes

__all__ = ["Notes", "Store", "begin_notes", "canonical", "collecting", "current_notes", "digest", "enforce_cap",
           "make_key"]
