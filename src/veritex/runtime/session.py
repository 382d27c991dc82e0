"""The kernel side of a build: what the build told this kernel, and the verdicts emitted so far.

The build calls `setup()` silently before the first cell. In a plain Jupyter session nobody calls it
and the defaults hold: no seed, an empty context, `in_build` False.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .seeding import seed_everything


@dataclass
class Session:
    seed: int | None = None
    context: dict[str, Any] = field(default_factory=dict)  # the document's formulas, macros, declarations
    path: str | None = None  # the document being built
    in_build: bool = False
    verdicts: list[dict[str, Any]] = field(default_factory=list)  # every payload emitted in this kernel


session = Session()
"""The one session of this kernel; `veritex.runtime.session` is this object."""


def setup(*, seed: int | None = None, context: dict[str, Any] | None = None, path: str | None = None) -> Session:
    """Prepare the kernel for a build: store the context and seed the random generators.

    `random` and any of NumPy, PyTorch, TensorFlow already imported are seeded now; the others are
    seeded right after the document first imports them, so a document that never imports torch
    never pays for it.
    """
    session.seed = seed
    session.context = dict(context or {})
    session.path = path
    session.in_build = True
    session.verdicts.clear()
    if seed is not None:
        seed_everything(seed)
    return session
