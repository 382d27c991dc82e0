"""Type dispatch for the writers: each node type of the body tree maps to one method of a writer, named
`<prefix><ClassName>` (`_render_Paragraph`, `_tex_Math`), looked up once, as SymPy's printers do."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import BLOCK_TYPES, INLINE_TYPES, ListItem, TableCell, TableRow

NODE_TYPES: tuple[type, ...] = (*BLOCK_TYPES, *INLINE_TYPES, ListItem, TableRow, TableCell)


def method_names(owner: type, prefix: str, types: Iterable[type] = NODE_TYPES, *,
                 required: bool = False) -> dict[type, str]:
    """Node type -> the name of `owner`'s method for it. A type without one is left out (the writer's
    fallback renders it), or is an error when `required`."""
    table: dict[type, str] = {}
    for cls in types:
        name = f"{prefix}{cls.__name__}"
        if hasattr(owner, name):
            table[cls] = name
        elif required:
            raise TypeError(f"{owner.__name__} has no {name}")
    return table
