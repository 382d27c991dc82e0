"""The document model: the one thing readers build, stages annotate and writers consume.

`position` says where things are, `body` is the typed tree of a prose cell, `document` the cells,
front matter and report items. Every name is importable from `veritex.model`.
"""

from __future__ import annotations

from .body import (
    BLOCK_TYPES,
    INLINE_TYPES,
    Align,
    Block,
    BlockBreak,
    BlockQuote,
    BulletList,
    CodeBlock,
    CodeSpan,
    Comment,
    Emphasis,
    HardBreak,
    Heading,
    HtmlBlock,
    HtmlInline,
    Image,
    Inline,
    InlineEval,
    Link,
    ListItem,
    Math,
    MathBlock,
    Node,
    OrderedList,
    Paragraph,
    Reference,
    Role,
    SoftBreak,
    Strikethrough,
    Strong,
    Table,
    TableCell,
    TableRow,
    Target,
    Text,
    ThematicBreak,
    node_fields,
    plain_text,
    reference_text,
    walk,
)
from .document import (
    SOURCE_SUFFIXES,
    VERDICT_KINDS,
    VERDICT_MIME,
    Cell,
    CodeCell,
    Document,
    FrontMatter,
    Item,
    Kind,
    MarkdownCell,
    Status,
)
from .position import Position

__all__ = [
    "BLOCK_TYPES", "INLINE_TYPES", "SOURCE_SUFFIXES", "VERDICT_KINDS", "VERDICT_MIME", "Align", "Block",
    "BlockBreak", "BlockQuote", "BulletList", "Cell", "CodeBlock", "CodeCell", "CodeSpan", "Comment", "Document",
    "Emphasis", "FrontMatter", "HardBreak", "Heading", "HtmlBlock", "HtmlInline", "Image", "Inline", "InlineEval",
    "Item", "Kind", "Link", "ListItem", "MarkdownCell", "Math", "MathBlock", "Node", "OrderedList", "Paragraph",
    "node_fields",
    "Position", "Reference", "Role", "SoftBreak", "Status", "Strikethrough", "Strong", "Table", "TableCell",
    "TableRow", "Target", "Text", "ThematicBreak", "plain_text", "reference_text", "walk",
]
