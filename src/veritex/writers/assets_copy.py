"""The stylesheet and KaTeX's CSS and fonts, copied once into `<root>/_veritex/` for every page under it.

A stamp beside the copies records what they were made from and the size and modification time of each
copy, so a rebuild checks them with a few `stat` calls instead of reading them and asking Pygments
for its stylesheet again.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import threading
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write_bytes, atomic_write_text
from .highlight import CSS_SCOPE, STYLE, pygments_css, pygments_version

ASSETS_DIRNAME = "_veritex"
_STAMP = ".veritex-assets.json"
_SOURCE = Path(__file__).with_name("assets")
_lock = threading.Lock()
_ensured: set[Path] = set()


@functools.cache
def bundle() -> dict[str, bytes]:
    """Relative path under `_veritex/` -> content. The page CSS carries Pygments' colours."""
    files = {"veritex.css": (_SOURCE / "veritex.css").read_bytes() + b"\n/* Code colours (Pygments) */\n"
             + pygments_css().encode("utf-8") + b"\n"}
    katex = _SOURCE / "katex"
    files["katex/katex.min.css"] = (katex / "katex.min.css").read_bytes()
    for font in sorted((katex / "fonts").iterdir()):
        if font.is_file():
            files[f"katex/fonts/{font.name}"] = font.read_bytes()
    return files


def _sources() -> list[Path]:
    katex = _SOURCE / "katex"
    fonts = sorted(f for f in (katex / "fonts").iterdir() if f.is_file())
    return [_SOURCE / "veritex.css", katex / "katex.min.css", *fonts]


def _made_from() -> list[Any]:
    """What the bundle is made of, without reading it: the source files' sizes and times, Pygments' style."""
    files = [[str(p.relative_to(_SOURCE)), (st := p.stat()).st_size, st.st_mtime_ns] for p in _sources()]
    return [pygments_version(), STYLE, CSS_SCOPE, files]


def _copies(target: Path, names: list[str]) -> list[list[Any]]:
    return [[name, (st := os.stat(target / name)).st_size, st.st_mtime_ns] for name in names]


def _stamp_holds(target: Path, made_from: list[Any]) -> bool:
    """The copies are as the last build left them, made from the same sources."""
    try:
        stamp = json.loads((target / _STAMP).read_text(encoding="utf-8"))
        copies = stamp["copies"]
        return bool(stamp["made_from"] == made_from and copies == _copies(target, [c[0] for c in copies]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False


def ensure_assets(root: Path) -> Path:
    """Write what is missing or different under `root/_veritex` (once per process and root); return it."""
    target = root / ASSETS_DIRNAME
    key = target.resolve()
    with _lock:
        if key in _ensured and (target / "veritex.css").exists():
            return target
        made_from = _made_from()
        if _stamp_holds(target, made_from):
            _ensured.add(key)
            return target
        for relative, data in bundle().items():
            dest = target / relative
            try:
                if dest.stat().st_size == len(data) and dest.read_bytes() == data:
                    continue
            except OSError:
                pass
            atomic_write_bytes(dest, data)
        with contextlib.suppress(OSError):  # without a stamp the next build compares the copies again
            stamp = {"made_from": made_from, "copies": _copies(target, sorted(bundle()))}
            atomic_write_text(target / _STAMP, json.dumps(stamp))
        _ensured.add(key)
    return target


def ensure_mermaid(root: Path) -> Path:
    """mermaid's script and licence under `root/_veritex/mermaid/`, for the pages that draw diagrams
    (copied only when missing or different: 3.5 MB a site without diagrams never carries)."""
    target = root / ASSETS_DIRNAME / "mermaid"
    for name in ("mermaid.min.js", "init.js", "LICENSE"):
        source, dest = _SOURCE / "mermaid" / name, target / name
        try:
            if dest.stat().st_size == source.stat().st_size and dest.stat().st_mtime_ns >= source.stat().st_mtime_ns:
                continue
        except OSError:
            pass
        atomic_write_bytes(dest, source.read_bytes())
    return target
