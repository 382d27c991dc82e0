"""The front matter: read safely (plain `key: value` lines without PyYAML; anything else through PyYAML's
safe loader, refusing aliases so that an alias bomb cannot fill memory) and validated against ONE table of
keys (type, default, help) that also writes the README's key list (`python -m veritex.readers.front_matter`).

Every problem is an item at the key's own line: a misspelt key gets a "did you mean", a value of the wrong
type is refused and the default used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from ..model import FrontMatter, Item, Position
from .plain_yaml import plain_mapping

Check = Callable[[Any], Any]  # the value as veritex uses it, or ValueError with what is expected


class _Invalid(ValueError):
    pass


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be text (quote it if YAML reads it as something else)")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _Invalid("must be a number of seconds above 0")
    return float(value)


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise _Invalid("must be a whole number from 0 to 4294967295 (NumPy's range)")
    return value


def _size(value: Any) -> int:
    if isinstance(value, bool):
        raise _Invalid("must be a size such as 2M or 500K")
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str):
        import importlib  # by name: the readers stay out of the cache package's import graph

        try:
            size = importlib.import_module("veritex.cache.prune").parse_size(value)
        except ValueError:
            pass
        else:
            if size > 0:
                return size
    raise _Invalid("must be a size such as 2M or 500K (bytes; K, M, G are powers of 1024)")


def _macros(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _Invalid("must map macro names to TeX (`\\norm: \"\\\\lVert #1 \\\\rVert\"`)")
    return {(k if k.startswith("\\") else "\\" + k): str(v) for k, v in value.items()}


def _kernel(value: Any) -> str:
    if isinstance(value, dict):  # `kernel: {name: python3}`
        value = value.get("name")
    return _text(value)


def _jupyter(value: Any) -> dict[str, Any] | str:
    if not isinstance(value, dict | str):
        raise _Invalid("must be a mapping such as `jupyter: {kernel: python3}` or a kernel name")
    return value


class Key(NamedTuple):  # not a dataclass: every document read imports this module
    name: str
    validate: Check
    default: Any
    help: str
    kind: str  # the type as the README names it
    attribute: str | None = None  # the FrontMatter field it sets (None: kept in `raw` for whoever reads it)


KEYS: tuple[Key, ...] = (
    Key("title", _text, None, "The page title (else the first heading, else the file name).", "text", "title"),
    Key("kernel", _kernel, "python3", "The Jupyter kernel that runs the code cells.", "text", "kernel"),
    Key("jupyter", _jupyter, None, "Quarto / jupytext spelling of the kernel: `jupyter: {kernel: python3}`.",
        "mapping"),
    Key("timeout", _seconds, None, "Seconds a cell may run; no limit when absent (`--timeout` wins).", "number",
        "timeout"),
    Key("seed", _seed, None, "Seeds random, NumPy, torch and TensorFlow before the first cell.", "whole number",
        "seed"),
    Key("execute", _flag, True, "Run the code cells (false: show them, with any stored outputs).", "true/false",
        "execute"),
    Key("macros", _macros, {}, "TeX macros for every formula: `\\norm: \"\\\\left\\\\lVert #1 \\\\right\\\\rVert\"`.",
        "mapping", "macros"),
    Key("trust", _flag, False, "Keep the document's own HTML, scripts and widgets as written, and set no "
        "Content-Security-Policy (`--trust` for a whole build). Only for documents you wrote.", "true/false",
        "trust"),
    Key("max_output_size", _size, "2M", "Largest output shown in the page; a larger one is cut with a note "
        "(`--max-output-size`).", "size", "max_output_size"),
    Key("max_page_size", _size, "20M", "Largest total of outputs shown in the page (`--max-page-size`).", "size",
        "max_page_size"),
    Key("tab", _text, None, "The textbook dialect's code tab to run (`#@tab` cells); pytorch when absent "
        "(`--tab` wins).", "text", "tab"),
    Key("lang", _text, None, "The page's language (`en`, `zh`, ...); guessed from the prose when absent.", "text"),
    Key("language", _text, None, "Same as `lang`.", "text"),
)
BY_NAME = {key.name: key for key in KEYS}
# Keys other tools write (Jupyter Book, MyST, jupytext, Quarto, Pandoc): kept in `raw`, no warning.
OTHER_TOOLS = frozenset({
    "author", "authors", "date", "description", "subtitle", "abstract", "keywords", "tags", "license",
    "bibliography", "format", "jupytext", "kernelspec", "mystnb", "myst", "exports", "numbering", "downloads",
    "venue", "affiliations", "thebe", "short_title", "subject", "doi", "github", "copyright", "draft",
    "categories", "image", "thumbnail", "editor", "toc", "execute_notebooks", "jupyter_book", "html_meta",
})


class _AliasRefused(Exception):
    def __init__(self, line: int, column: int, name: str) -> None:
        super().__init__(name)
        self.line, self.column, self.name = line, column, name


def _loader() -> type:
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        """PyYAML's safe loader that stops at the first alias (`*name`): nothing is ever expanded."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise _AliasRefused(event.start_mark.line, event.start_mark.column, event.anchor)
            return super().compose_node(parent, index)

    return NoAliasLoader


def _key_lines(raw: str) -> dict[str, int]:
    """Each top-level key -> its 0-based line in the front matter."""
    lines: dict[str, int] = {}
    for number, line in enumerate(raw.split("\n")):
        match = re.match(r"""["']?([A-Za-z_][\w-]*)["']?\s*:(\s|$)""", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    return lines


def parse_front_matter(raw: str, where: Position, items: list[Item]) -> FrontMatter:
    """The front matter between the `---` lines (`where` is the opening line)."""
    plain = plain_mapping(raw)
    if plain is not None:
        return front_matter_from_dict(plain, where, items, raw)
    import yaml  # only for front matter beyond `key: value` lines

    try:
        data = yaml.load(raw, Loader=_loader()) or {}  # noqa: S506 - a SafeLoader subclass
    except _AliasRefused as exc:
        items.append(Item("document", "error", f"the front matter uses a YAML alias (`*{exc.name}`): veritex "
                          "does not expand aliases (a few lines of them can fill the memory); write the value "
                          "out in full", where.shifted(lines=exc.line + 1, column=exc.column + 1)))
        return FrontMatter()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = where.shifted(lines=mark.line + 1, column=mark.column + 1) if mark else where
        items.append(Item("document", "error", f"front matter is not valid YAML: {exc}; fix the YAML "
                          "between the --- lines", pos))
        return FrontMatter()
    except RecursionError:
        items.append(Item("document", "error", "the front matter is nested too deeply to read; flatten it",
                          where))
        return FrontMatter()
    if not isinstance(data, dict):
        items.append(Item("document", "error", "front matter must be a YAML mapping (key: value lines)", where))
        return FrontMatter()
    return front_matter_from_dict(data, where, items, raw)


def front_matter_from_dict(data: dict[str, Any], where: Position, items: list[Item],
                           raw: str | None = None) -> FrontMatter:
    """Settings from a mapping (the front matter, or a notebook's `metadata.veritex`), validated against
    `KEYS`; `raw` (the front matter's text) places each problem on its key's line."""
    lines = _key_lines(raw) if raw is not None else {}

    def at(key: str) -> Position:
        return where.shifted(lines=lines[key] + 1, column=1) if key in lines else where

    meta = FrontMatter(raw=data)
    for name, value in data.items():
        key = BY_NAME.get(str(name))
        if key is None:
            if str(name) not in OTHER_TOOLS:
                items.append(Item("document", "warning", _unknown(str(name)), at(str(name))))
            continue
        if value is None:
            continue
        try:
            checked = key.validate(value)
        except _Invalid as exc:
            shown = repr(value) if len(repr(value)) < 60 else repr(value)[:57] + "..."
            items.append(Item("document", "error", f"front matter `{name}` {exc}, not {shown}; "
                              f"the default is used", at(str(name))))
            continue
        if key.attribute is not None:
            setattr(meta, key.attribute, checked)
    if "kernel" not in data and isinstance(data.get("jupyter"), dict):
        jupyter = data["jupyter"]
        kernel = jupyter.get("kernel") or jupyter.get("kernelspec")
        if isinstance(kernel, dict):
            kernel = kernel.get("name")
        if isinstance(kernel, str):
            meta.kernel = kernel
    return meta


def _unknown(name: str) -> str:
    import difflib  # only for a key veritex does not know

    close = difflib.get_close_matches(name, [k.name for k in KEYS], n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`?" if close else "the keys veritex reads are listed in the README"
    return f"unknown front-matter key `{name}`, ignored; {hint}"


def readme_table() -> str:
    """The README's list of keys, written from `KEYS`."""
    rows = ["| key | type | default | what it does |", "| --- | --- | --- | --- |"]
    for key in KEYS:
        default = key.default
        shown = "none" if default is None else f"`{str(default).lower() if isinstance(default, bool) else default}`"
        text = key.help.replace("|", "\\|")
        rows.append(f"| `{key.name}` | {key.kind} | {shown} | {text} |")
    return "\n".join(rows) + "\n"


