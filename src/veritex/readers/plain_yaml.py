"""The plainest front matter read without PyYAML, whose import costs more than reading a document.

Only `key: value` lines at the margin are taken, where a value is a whole or decimal number, `true` /
`false`, or a plain phrase that starts with a letter; these read exactly as PyYAML reads them. Anything
else (nesting, quotes, lists, comments after a value, words YAML 1.1 reads as booleans or null) gives
None, and the caller asks PyYAML.
"""

from __future__ import annotations

import re
from typing import Any

_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_BOOLEANS = {"true": True, "false": False}
# Words YAML 1.1 resolves to something other than a string, in every spelling PyYAML accepts.
_RESERVED = {spelling for word in ("yes", "no", "on", "off", "true", "false", "null")
             for spelling in (word, word.capitalize(), word.upper())}


def plain_mapping(text: str) -> dict[str, Any] | None:
    """The mapping `text` holds if it is that plain, else None."""
    data: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line.strip(" ") or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None or match.group(1) in _RESERVED:
            return None
        value = _value((match.group(2) or "").strip(" "))
        if value is None:
            return None
        data[match.group(1)] = value[0]
    return data


def _value(raw: str) -> tuple[Any] | None:
    """The value as a 1-tuple (so that None means "not plain"), or None."""
    if _INT.fullmatch(raw):
        return (int(raw),)
    if _DECIMAL.fullmatch(raw):
        return (float(raw),)
    if raw in _BOOLEANS:
        return (_BOOLEANS[raw],)
    if not raw or not raw[0].isalpha() or raw in _RESERVED or not raw.isprintable():
        return None
    if ": " in raw or " #" in raw or raw.endswith(":"):
        return None  # a nested key, a comment, or a YAML error: PyYAML says which
    return (raw,)
