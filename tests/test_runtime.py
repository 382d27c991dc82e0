"""The kernel side of veritex, used in-process: `expect`, verdict display, seeding, the session."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import veritex.runtime as rt
from veritex.runtime import seeding
from veritex.runtime.display import badge_html, json_safe
from veritex.runtime.values import plain


def last_verdict() -> dict[str, Any]:
    return rt.session.verdicts[-1]


def this_line() -> int:
    return sys._getframe(1).f_lineno


# -- expect ------------------------------------------------------------------------------------------


def test_approx_with_an_absolute_tolerance() -> None:
    w = 3.1
    assert bool(rt.expect(w, approx=3.0, tol=0.2)) is True
    verdict = last_verdict()
    assert verdict["status"] == "verified" and verdict["kind"] == "expect"
    assert verdict["message"].startswith("w \u2248 3.0 (tol 0.2)")
    assert verdict["detail"]["tol"] == 0.2
    assert math.isclose(verdict["detail"]["difference"], 0.1)
    assert bool(rt.expect(w, approx=3.0, tol=0.05)) is False
    assert last_verdict()["status"] == "refuted"
    assert "off by 0.1" in last_verdict()["message"]


def test_approx_without_tol_is_relative_1e9() -> None:
    assert rt.expect(0.1 + 0.2, approx=0.3)
    assert last_verdict()["detail"]["rel_tol"] == 1e-9
    assert not rt.expect(1.0 + 1e-6, approx=1.0)
    assert rt.expect(1e-13, approx=0.0)  # absolute 1e-12 near zero
    assert not rt.expect(float("nan"), approx=1.0)
    assert last_verdict()["actual"] == "nan"  # JSON has no NaN
    assert rt.expect(np.array([1.0, np.inf]), approx=[1.0, np.inf])


@pytest.mark.parametrize(
    ("value", "op", "bound", "holds"),
    [(0.013, "<", 0.02, True), (0.02, "<", 0.02, False), (0.02, "<=", 0.02, True), (3, ">", 2, True),
     (2, ">=", 3, False), (5, "==", 5.0, True), (5, "!=", 5, False), (np.arange(3), "<", 3, True),
     (np.float32(0.5), ">", 0.25, True), (np.array([1, 5]), "<", 3, False)],
)
def test_order_comparisons(value: Any, op: str, bound: Any, holds: bool) -> None:
    assert bool(rt.expect(value, op, bound)) is holds
    assert last_verdict()["detail"]["op"] == op


def test_equals_compares_shapes_tuples_and_bools() -> None:
    pe = np.zeros((50, 16))
    assert rt.expect(pe.shape, equals=(50, 16))
    assert rt.expect([50, 16], equals=(50, 16))  # lists and tuples alike
    assert not rt.expect(pe.shape, equals=(16, 50))
    assert rt.expect(np.bool_(True), equals=True)
    assert rt.expect(None, equals=None)
    assert last_verdict()["detail"]["expected"] is None


def test_arrays_compare_element_by_element() -> None:
    assert rt.expect(np.array([0.5, 0.25]), approx=np.array([0.5, 0.25]))
    assert not rt.expect(np.array([0.5, 0.26]), approx=[0.5, 0.25], tol=1e-3)
    assert not rt.expect(np.ones(3), approx=[1.0, 1.0])  # shapes differ
    assert "shape" in last_verdict()["message"]


def test_incomparable_values_give_an_error_verdict() -> None:
    assert bool(rt.expect("a", "<", 3)) is False
    verdict = last_verdict()
    assert verdict["status"] == "error"
    assert "cannot compare" in verdict["message"]


@pytest.mark.parametrize(
    ("args", "kwargs", "says"),
    [((1.0,), {}, "exactly one comparison"),
     ((1.0, "<", 2), {"approx": 1.0}, "exactly one comparison"),
     ((1.0, "=<", 2), {}, "unknown operator"),
     ((1.0, "<"), {}, "needs the bound"),
     ((1.0,), {"equals": 1.0, "tol": 0.1}, "`tol` goes with `approx=`"),
     ((1.0,), {"approx": 1.0, "tol": -1}, ">= 0"),
     ((1.0,), {"approx": 1.0, "label": 3}, "label")],
)
def test_bad_usage_raises_a_clear_type_error(args: tuple[Any, ...], kwargs: dict[str, Any], says: str) -> None:
    count = len(rt.session.verdicts)
    with pytest.raises(TypeError, match=says.replace("(", r"\(")):
        rt.expect(*args, **kwargs)
    assert len(rt.session.verdicts) == count  # nothing was recorded


def test_verdict_payload_schema_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    loss = 0.013
    line = this_line() + 1
    rt.expect(loss, "<", 0.02, label="eq:loss")
    verdict = last_verdict()
    assert set(verdict) == {"kind", "status", "label", "message", "line", "actual", "detail"}
    assert verdict["line"] == line  # outside IPython: the caller's own line
    assert verdict["label"] == "eq:loss" and verdict["actual"] == 0.013
    assert verdict["detail"]["expression"] == "loss"
    json.dumps(verdict, allow_nan=False)
    # Outside a kernel the verdict is printed as one line.
    assert capsys.readouterr().out.strip() == "\u2713 verified [eq:loss]: loss < 0.02: got 0.013"


def test_expect_in_a_helper_names_the_helper_argument() -> None:
    def helper(v: float) -> bool:
        return rt.expect(v, ">", 0)

    helper(2.0)
    assert last_verdict()["detail"]["expression"] == "v"


# -- display -----------------------------------------------------------------------------------------


def test_emit_verdict_fills_defaults_and_line() -> None:
    line = this_line() + 1
    payload = rt.emit_verdict({"kind": "check", "status": "unchecked", "message": "no <sympy> form"})
    assert payload["line"] == line
    assert payload["detail"] == {} and payload["label"] is None


def test_badge_colours_and_escaping() -> None:
    html = badge_html({"status": "refuted", "label": "eq:<x>", "message": "a < b & c"})
    assert "#cf222e" in html and "\u2717 refuted" in html
    assert "eq:&lt;x&gt;" in html and "a &lt; b &amp; c" in html
    assert "#1a7f37" in badge_html({"status": "verified", "message": ""})
    assert "#6e7781" in badge_html({"status": "unchecked", "message": ""})


def test_json_safe() -> None:
    assert json_safe({"a": (1.0, float("inf")), "b": 1 + 2j}) == {"a": [1.0, "inf"], "b": "(1+2j)"}
    assert isinstance(json_safe(list(range(1000))), str)


def test_mime_matches_the_model() -> None:
    from veritex.model import VERDICT_MIME

    assert rt.VERDICT_MIME == VERDICT_MIME


# -- plain values ------------------------------------------------------------------------------------


def test_plain_numpy() -> None:
    assert plain(np.float64(2.5)) == 2.5 and type(plain(np.float64(2.5))) is float
    assert plain(np.array([[1, 2], [3, 4]])) == ((1, 2), (3, 4))
    assert plain(np.array(3.0)) == 3.0
    assert plain((np.int64(1), [np.bool_(False)])) == (1, (False,))


@pytest.mark.torch
def test_plain_torch() -> None:
    torch = pytest.importorskip("torch")
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    assert plain(x.grad) == 4.0
    assert plain(torch.ones(2, 3).shape) == (2, 3)
    assert rt.expect(y, approx=4.0, tol=1e-9)


@pytest.mark.tensorflow
@pytest.mark.slow
def test_plain_tensorflow() -> None:
    tf = pytest.importorskip("tensorflow")
    assert plain(tf.constant(1.5)) == 1.5
    assert plain(tf.Variable([1.0, 2.0])) == (1.0, 2.0)
    assert plain(tf.zeros((1, 30, 30, 16)).shape) == (1, 30, 30, 16)


# -- session and seeding -----------------------------------------------------------------------------


def test_setup_stores_context_and_seeds_random() -> None:
    session = rt.setup(seed=11, context={"macros": {"\\norm": "x"}}, path="doc.md")
    try:
        assert session is rt.session and session.in_build
        assert session.context == {"macros": {"\\norm": "x"}} and session.path == "doc.md"
        first = random.random()
        rt.setup(seed=11)
        assert random.random() == first
        assert np.random.rand() == np.random.RandomState(11).rand()  # numpy was imported: seeded now
    finally:
        seeding._remove_hooks()
        rt.session.in_build = False


def test_seed_hook_seeds_a_package_right_after_its_first_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "veritex_fake_framework").mkdir()
    (tmp_path / "veritex_fake_framework" / "__init__.py").write_text("state = None\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    calls: list[tuple[str, int]] = []

    def seeder(module: Any, seed: int) -> None:
        calls.append((module.__name__, seed))
        module.state = seed

    monkeypatch.setattr(seeding, "SEEDERS", {"veritex_fake_framework": seeder})
    seeding.seed_everything(5)
    try:
        assert any(isinstance(f, seeding.SeedAfterImport) for f in sys.meta_path)
        assert calls == []  # nothing imported yet: nothing seeded
        import veritex_fake_framework  # type: ignore[import-not-found]

        assert calls == [("veritex_fake_framework", 5)] and veritex_fake_framework.state == 5
        assert not any(isinstance(f, seeding.SeedAfterImport) for f in sys.meta_path)  # stepped out
    finally:
        seeding._remove_hooks()
        sys.modules.pop("veritex_fake_framework", None)


def test_environment_reports_only_imported_packages() -> None:
    env = json.loads(rt.environment_json())
    assert env["python"] == ".".join(map(str, sys.version_info[:3]))
    assert env["packages"]["numpy"] == np.__version__


def test_importing_the_runtime_is_cheap() -> None:
    """Every kernel of every build imports it: no framework, no Jupyter client, no markdown parser."""
    code = textwrap.dedent("""
        import sys, veritex, veritex.runtime
        veritex.expect
        heavy = [m for m in ("numpy", "torch", "tensorflow", "jupyter_client", "markdown_it", "IPython",
                             "importlib.abc") if m in sys.modules]
        print(heavy)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_expect_returns_a_silent_truthy_verdict() -> None:
    verdict = rt.expect(2 + 2, equals=4)
    assert verdict and verdict == True  # noqa: E712
    assert hasattr(verdict, "_ipython_display_") and "verified" in repr(verdict)
    assert not rt.expect(2 + 2, equals=5)
