"""Code cells from fences: plain ```python, MyST ```{code-cell} and Quarto ```{python}."""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

from ..model import CodeCell, Item, Position

_PYTHON = {"python", "python3", "py", "ipython", "ipython3"}
_MYST_OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
_QUARTO_OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*)$")


def _words(info: str) -> list[str]:
    return info.strip().split()


def is_runnable_fence(info: str) -> bool:
    """Python fences become code cells (`python norun` too: shown as a cell, never run)."""
    words = _words(info)
    if not words:
        return False
    head = words[0].lower()
    if head == "{code-cell}":
        return len(words) < 2 or words[1].lower() in _PYTHON
    if head.startswith("{") and head.endswith("}"):
        return head[1:-1].split(",")[0] in _PYTHON  # Quarto: {python} or {python, echo=false}
    return head in _PYTHON


def _yaml_value(raw: str) -> Any:
    import yaml  # a cell with options is rare: a document without them never loads PyYAML

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def _myst_options(lines: list[str]) -> tuple[dict[str, Any], int]:
    """`:key: value` lines, or a `---` YAML block, at the top of a {code-cell}."""
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() == "---":
                data = _yaml_value("\n".join(lines[1:end]))
                return (data if isinstance(data, dict) else {}), end + 1
        return {}, 0
    options: dict[str, Any] = {}
    used = 0
    for line in lines:
        match = _MYST_OPTION.match(line.strip())
        if not match:
            break
        options[match.group(1)] = _yaml_value(match.group(2))
        used += 1
    return options, used


def _quarto_options(lines: list[str]) -> dict[str, Any]:
    """`#| key: value` lines stay in the code (they are comments), so line numbers are unchanged."""
    options: dict[str, Any] = {}
    for line in lines:
        match = _QUARTO_OPTION.match(line.strip())
        if not match:
            break
        options[match.group(1)] = _yaml_value(match.group(2))
    return options


def _tags(options: dict[str, Any]) -> list[str]:
    tags = options.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.strip("[]").split(",") if t.strip()]
    tags = [str(t) for t in tags]
    # Quarto spellings of the same intents.
    if options.get("error") is True and "raises-exception" not in tags:
        tags.append("raises-exception")
    if options.get("eval") is False and "skip-execution" not in tags:
        tags.append("skip-execution")
    if options.get("echo") is False and "remove-input" not in tags:
        tags.append("remove-input")
    if options.get("output") is False and "remove-output" not in tags:
        tags.append("remove-output")
    return tags


def code_cell_from_fence(token: Token, fence: Position, items: list[Item]) -> CodeCell:
    """`fence` is the position of the opening ``` line."""
    words = _words(token.info)
    lines = token.content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    options: dict[str, Any] = {}
    skip = 0
    if words[0].lower() == "{code-cell}":
        options, skip = _myst_options(lines)
    else:
        options = _quarto_options(lines)  # Quarto's `#|`; harmless comments in a plain fence too
    source = "\n".join(lines[skip:])
    tags = _tags(options)
    norun = any(w.lower() in ("norun", "no-run", "noexec") for w in words[1:])
    return CodeCell(
        source=source,
        position=fence.shifted(lines=1 + skip, column=1),
        language="python",
        execute=not norun and "skip-execution" not in tags,
        tags=tags,
        options=options,
    )


_TAB_LINE = re.compile(r"^\s*(#@tab|%%tab)\s+(.*)$")


class DialectTabs:
    """The textbook dialect's code cells (```{.python .input}): each is for the tabs its first line names
    (`#@tab pytorch`, `%%tab pytorch, jax`, `all`); only the chosen tab's cells are kept and run.

    A cell naming no tab belongs to every tab in a document that marks cells with `%%tab`, and to mxnet
    (the dialect's first tab) in one that marks them with `#@tab`. The dialect's tab-switcher setup
    (`%load_ext d2lbook.tab`) is left out."""

    def __init__(self, magic_style: bool) -> None:
        self.untagged = "all" if magic_style else "mxnet"

    @staticmethod
    def is_input(info: str) -> bool:
        words = info.strip("{} \t").split()
        return ".input" in words and any(w in (".python", ".py") for w in words)

    def cell(self, token: Token, src: Any, items: list[Item]) -> CodeCell | None:
        lines = token.content.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if any("d2lbook.tab" in line for line in lines[:2]):
            return None
        match = _TAB_LINE.match(lines[0]) if lines else None
        names = match.group(2) if match else self.untagged
        wanted = {n.strip().lower() for n in names.split(",")}
        if "all" not in wanted and src.tab.lower() not in wanted:
            return None
        skip = 1 if match else 0
        fence: Position = src.position(token.map[0] if token.map else 0)
        return CodeCell(source="\n".join(lines[skip:]), position=fence.shifted(lines=1 + skip, column=1),
                        options={"tab": src.tab})


def dialect_tabs(tokens: list[Token]) -> DialectTabs | None:
    """The dialect's tab rules when the document has ```{.python .input} cells, else None."""
    inputs = [t for t in tokens if t.type == "fence" and DialectTabs.is_input(t.info)]
    if not inputs:
        return None
    return DialectTabs(any(t.content.lstrip().startswith("%%tab") for t in inputs))
