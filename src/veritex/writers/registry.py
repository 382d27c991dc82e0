"""Writers by format name: the built-in ones directly, others from the entry-point group `veritex.writers`.

A package adds a format by declaring, in its `pyproject.toml`,

    [project.entry-points."veritex.writers"]
    myformat = "mypackage.writer:MyWriter"

where `MyWriter` (a class, or an instance) has `name`, `suffix` and `write(document, context)`.
Entry points are read only for a name that is not built in, and to list the formats: a build that
asks for built-in formats never scans the installed packages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .builtin import GfmWriter, HtmlWriter, IpynbWriter, JsonWriter, LatexWriter, PdfWriter

if TYPE_CHECKING:
    from .base import Writer

ENTRY_POINT_GROUP = "veritex.writers"
DEFAULT_FORMAT = "html"
BUILTIN: dict[str, Callable[[], Writer]] = {"html": HtmlWriter, "json": JsonWriter, "ipynb": IpynbWriter,
                                             "gfm": GfmWriter, "latex": LatexWriter, "pdf": PdfWriter}


class UnknownFormat(ValueError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = sorted(known)
        super().__init__(f"unknown output format {name!r}; formats: {', '.join(self.known)}")


class BadWriter(TypeError):
    """An entry point that does not give a writer."""


def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points  # scans every installed package: only off the fast path

    found: dict[str, Any] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(point.name, point)
    return found


def available_formats() -> list[str]:
    """Every format a build can be asked for: the built-in ones and those installed packages add."""
    return sorted(set(BUILTIN) | set(_entry_points()))


@functools.cache
def get_writer(name: str) -> Writer:
    """The writer for format `name`; UnknownFormat if neither veritex nor an installed package has one."""
    make = BUILTIN.get(name)
    if make is not None:
        return make()
    point = _entry_points().get(name)
    if point is None:
        raise UnknownFormat(name, available_formats())
    from .base import Writer

    loaded = point.load()
    writer = loaded() if isinstance(loaded, type) else loaded
    if not isinstance(writer, Writer):
        raise BadWriter(f"the entry point {point.value!r} for format {name!r} is not a writer: it needs `name`, "
                        "`suffix` and `write(document, context)`")
    return writer


def parse_formats(spec: str | Iterable[str]) -> tuple[str, ...]:
    """`"html,json"` (or a list of names) as a tuple of distinct names, in order."""
    names = spec.split(",") if isinstance(spec, str) else [n for part in spec for n in part.split(",")]
    cleaned = [n.strip() for n in names if n.strip()]
    return tuple(dict.fromkeys(cleaned)) or (DEFAULT_FORMAT,)
