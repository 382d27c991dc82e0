"""KaTeX, the vendored copy beside this module, run in an embedded V8 (mini-racer): no Node, no network.

V8 starts on the first formula that is not cached (~0.1 s, once per process) and is shared by every
document of the build; a lock serialises it because builds render documents from several threads.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

KATEX_DIR = Path(__file__).parent / "writers" / "assets" / "katex"
KATEX_JS = KATEX_DIR / "katex.min.js"


def _katex_version() -> str:
    try:
        found = re.search(r"\d+\.\d+\.\d+", (KATEX_DIR / "VERSION").read_text(encoding="utf-8"))
    except OSError:
        found = None
    return found.group(0) if found else "unknown"


KATEX_VERSION = _katex_version()
CALL_TIMEOUT_SECONDS = 120.0  # a whole batch; KaTeX's own `maxExpand` stops macro loops long before
FORMULA_TIMEOUT_SECONDS = 10.0
CLOSE_TIMEOUT_SECONDS = 10.0

# Each item is [tex, displayMode]. One `macros` object is shared by the whole batch, and `globalGroup`
# makes `\newcommand` / `\def` in one formula visible to the formulas after it, as in a LaTeX document.
_WRAPPER = r"""
function veritexRender(itemsJson, macrosJson) {
  var items = JSON.parse(itemsJson), macros = JSON.parse(macrosJson);
  return JSON.stringify(items.map(function (item) {
    try {
      return {html: katex.renderToString(item[0], {
        displayMode: item[1], throwOnError: true, macros: macros, trust: false,
        strict: "ignore", globalGroup: true, output: "htmlAndMathml"})};
    } catch (e) {
      var known = e instanceof katex.ParseError;
      return {message: String(known ? e.rawMessage : e),
              position: (known && typeof e.position === "number") ? e.position : null};
    }
  }));
}
"""


@dataclass(frozen=True)
class Rendered:
    """KaTeX's markup, or why it refused: its message and the offset in the TeX it points at."""

    html: str | None = None
    message: str | None = None
    position: int | None = None
    final: bool = True  # False: produced after the engine failed; worth retrying, not worth caching

    def to_json(self) -> dict[str, Any]:
        return {"html": self.html} if self.html is not None else {"message": self.message, "position": self.position}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rendered:
        html, message, position = data.get("html"), data.get("message"), data.get("position")
        if html is not None and not isinstance(html, str):
            raise ValueError("html must be a string")
        if html is None and not isinstance(message, str):
            raise ValueError("an error entry needs a message")
        return cls(html, message, position if isinstance(position, int) else None)


class _Engine:
    """One V8 context with KaTeX loaded, owned by a thread of its own.

    The context is created on a thread without an asyncio loop, so that mini-racer starts its own
    loop thread: created where a loop runs (Jupyter, Playwright's sync API) it would adopt that loop,
    and every synchronous call from it would then fail. V8 must also tear the isolate down on the
    thread that made it (from any other thread it crashes in the heap's teardown), so that thread
    lives until `close`.
    """

    def __init__(self) -> None:
        from py_mini_racer import MiniRacer

        made: list[MiniRacer] = []
        started = threading.Event()
        self._closing = threading.Event()

        def home() -> None:
            try:
                made.append(MiniRacer())
            finally:
                started.set()
            self._closing.wait()
            made[0].close()

        self._home = threading.Thread(target=home, name="veritex-katex", daemon=True)
        self._home.start()
        started.wait()
        if not made:
            raise RuntimeError("the JavaScript engine for KaTeX (mini-racer) did not start")
        self._racer = made[0]
        # Without an explicit close the V8 thread keeps the interpreter from exiting.
        atexit.register(self.close)
        self._racer.eval(KATEX_JS.read_text(encoding="utf-8"))
        self._racer.eval(_WRAPPER)

    def render(self, items: list[tuple[str, bool]], macros: dict[str, str],
               timeout: float | None = None) -> list[Rendered]:
        # Strings in and out: the batch crosses into V8 as one JSON text each way.
        raw = self._racer.call(
            "veritexRender", json.dumps([[tex, display] for tex, display in items]), json.dumps(dict(macros)),
            timeout_sec=timeout or CALL_TIMEOUT_SECONDS,
        )
        return [Rendered.from_json(entry) for entry in json.loads(str(raw))]

    def close(self) -> None:
        if not self._closing.is_set():
            self._closing.set()
            self._home.join(timeout=CLOSE_TIMEOUT_SECONDS)


_engine: _Engine | None = None
_lock = threading.Lock()


def engine_started() -> bool:
    """Whether V8 has been started in this process (a fully cached build never starts it)."""
    return _engine is not None


def _running_engine() -> _Engine:
    global _engine
    if _engine is None:
        _engine = _Engine()
    return _engine


def _discard_engine() -> None:
    global _engine
    if _engine is not None:
        with contextlib.suppress(Exception):
            _engine.close()
        _engine = None


def render_batch(items: list[tuple[str, bool]], macros: dict[str, str] | None = None) -> list[Rendered]:
    """Render (tex, display) pairs in order with one macro table: definitions carry forward.

    If V8 itself fails (a runaway formula, out of memory), the batch is rendered again one formula at a
    time in a fresh engine, so that only the culprit fails; those results are marked not `final`.
    """
    from py_mini_racer import JSEvalException as EngineFailure  # timeouts and out-of-memory included

    if not items:
        return []
    with _lock:
        try:
            return _running_engine().render(items, macros or {})
        except EngineFailure:
            _discard_engine()
        results = []
        for item in items:
            try:
                (rendered,) = _running_engine().render([item], macros or {}, timeout=FORMULA_TIMEOUT_SECONDS)
                results.append(replace(rendered, final=False))
            except EngineFailure as exc:
                _discard_engine()
                results.append(Rendered(message=f"KaTeX did not finish rendering this formula ({exc!r})",
                                        final=False))
        return results


def render_one(tex: str, display: bool, macros: dict[str, str] | None = None) -> Rendered:
    return render_batch([(tex, display)], macros)[0]
