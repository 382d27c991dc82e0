"""Typed failures: callers decide what to do by catching a class, never by parsing a message.

Every failure veritex raises on purpose derives from `VeritexError`; each part names its own failures
next to its code (running documents: `veritex.execution.errors`).
"""

from __future__ import annotations


class VeritexError(Exception):
    """Base class of every failure veritex raises on purpose."""
