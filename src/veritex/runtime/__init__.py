"""The kernel side of veritex: what `import veritex as vt` offers inside a notebook or a build.

Only the standard library is imported here: every kernel of every build imports this package.
"""

from __future__ import annotations

from .check import check
from .display import VERDICT_MIME, Verdict, emit_verdict
from .environment import environment, environment_json
from .expect import expect
from .implements import implements
from .session import Session, session, setup

__all__ = [
    "VERDICT_MIME", "Session", "Verdict", "check", "emit_verdict", "environment", "environment_json", "expect",
    "implements", "session", "setup",
]
