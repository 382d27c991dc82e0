"""The stylesheet and KaTeX's CSS and fonts, copied once into `<root>/_veritex/` for every page under it."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from ..fsutil import atomic_write_bytes
from .highlight import pygments_css

ASSETS_DIRNAME = "_veritex"
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


def ensure_assets(root: Path) -> Path:
    """Write what is missing or different under `root/_veritex` (once per process and root); return it."""
    target = root / ASSETS_DIRNAME
    key = target.resolve()
    with _lock:
        if key in _ensured and (target / "veritex.css").exists():
            return target
        for relative, data in bundle().items():
            dest = target / relative
            try:
                if dest.stat().st_size == len(data) and dest.read_bytes() == data:
                    continue
            except OSError:
                pass
            atomic_write_bytes(dest, data)
        _ensured.add(key)
    return target
