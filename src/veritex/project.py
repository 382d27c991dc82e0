"""The book a document belongs to: its project files (`_config.yml`, `myst.yml`, `_toc.yml`), the macros
and bibliographies they name, and whether a missing reference target may live in another page.

Looking costs a few `stat` calls per parent folder; PyYAML is imported only when such a file exists.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Document, Item, Position

CONFIG_NAMES = ("_config.yml", "myst.yml", "_toc.yml")
DOCUMENT_SUFFIXES = (".md", ".ipynb", ".markdown")

__all__ = ["Project", "apply_project", "is_in_book", "project_of", "project_root"]


@dataclass
class Project:
    """What the project files around one document say."""

    root: Path  # the nearest folder holding a project file, else the document's own folder
    files: list[Path] = field(default_factory=list)  # the project files found, nearest first
    macros: dict[str, str] = field(default_factory=dict)
    macro_files: dict[str, Path] = field(default_factory=dict)  # macro name -> the file defining it
    bibfiles: list[Path] = field(default_factory=list)


def _config_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for place in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = place / name
            if os.path.isfile(candidate):
                found.append(candidate)
    return found


def project_root(folder: Path) -> Path:
    files = _config_files(folder.resolve())
    return files[0].parent if files else folder.resolve()


def is_in_book(path: Path) -> str | None:
    """Why another page may hold a target this one lacks: "project" (a project file in its folder or
    above), "siblings" (other pages beside it), or None."""
    path = path.resolve()
    if not path.is_file():
        return None  # a document made in memory has no book around it
    folder = path.parent
    if _config_files(folder):
        return "project"
    try:
        with os.scandir(folder) as entries:
            beside = any(e.name != path.name and e.name.endswith(DOCUMENT_SUFFIXES) for e in entries)
    except OSError:
        return None
    return "siblings" if beside else None


def _load(path: Path, items: list[Item]) -> dict[str, Any]:
    import yaml  # only when a project file exists

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        items.append(Item("document", "warning", f"project file {path} cannot be read ({exc}); its macros and "
                          "bibliography are not used", Position(str(path), 1, 1)))
        return {}
    return data if isinstance(data, dict) else {}


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _macro_text(value: Any) -> str | None:
    """`"\\mathbb{R}"`, `["\\mathbb{#1}", 1]` (MathJax) or `{macro: ...}` (mystmd) -> the definition."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    if isinstance(value, dict) and isinstance(value.get("macro"), str):
        return str(value["macro"])
    return None


def project_of(path: Path, items: list[Item]) -> Project:
    folder = path.resolve().parent
    files = [f for f in _config_files(folder) if f.name != "_toc.yml"]
    all_files = _config_files(folder)
    project = Project(all_files[0].parent if all_files else folder, all_files)
    for config in reversed(files):  # outermost first: a nearer file's macro wins
        data = _load(config, items)
        if config.name == "_config.yml":
            macros = _dig(data, "sphinx", "config", "mathjax3_config", "tex", "macros")
            bib = data.get("bibtex_bibfiles")
        else:
            macros = _dig(data, "project", "math")
            bib = _dig(data, "project", "bibliography")
        for name, value in (macros or {}).items() if isinstance(macros, dict) else ():
            text = _macro_text(value)
            if text is not None:
                key = str(name) if str(name).startswith("\\") else "\\" + str(name)
                project.macros[key] = text
                project.macro_files[key] = config
        for entry in [bib] if isinstance(bib, str) else bib if isinstance(bib, list) else []:
            project.bibfiles.append((config.parent / str(entry)).resolve())
    return project


def apply_project(doc: Document) -> Project | None:
    """Merge the project's macros under the document's own and note the files the build depends on.
    None when no project file is around."""
    path = doc.path.resolve()
    if not _config_files(path.parent):
        return None
    project = project_of(path, doc.items)
    own = set(doc.meta.macros)
    doc.meta.macros = {**project.macros, **doc.meta.macros}
    doc.meta.macro_files = {k: str(v) for k, v in project.macro_files.items() if k not in own}
    doc.project_files.extend(os.path.relpath(f, path.parent) for f in project.files)
    return project
