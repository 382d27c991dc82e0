"""Stated values held against what the executed code prints (`crosschecks.printed_values`): one document
run by a real kernel, then rebuilt from the cached outputs and without execution."""

from __future__ import annotations

from pathlib import Path

import pytest

import veritex
from veritex.crosschecks.printed import printed_values
from veritex.model import CodeCell, Item, Position

DOC = r"""# Stated values and printed ones

The sample mean of the four points is $\bar{x} \approx 2.50$ and their total is
$s = 2 + 3 = 7$.

```python
x_bar = (1 + 2 + 3 + 4) / 4
s = 1 + 2 + 3 + 4
print(f"x_bar = {x_bar}")
print("s:", s)
print("noise = 3.0")
print("n:", 8)
```

With $n = 3$ steps the rate is $r_2 \approx 0.125$ and the sum is $q \approx 1.5$.

```python
n = 8
for r_2 in (0.125, 0.5):
    print("r_2 =", r_2)
q = 2.5
q
```

The mean of the distribution is $1/\theta$ and the variance is $(1-\theta)/\theta$.

```python
import spread
θ = 0.1
u = spread.stats.geom(θ)
u.mean(), u.var()
```
"""

# A distribution object the document's code makes, named as `scipy.stats` names its own.
SPREAD = '''
import types


class geom:
    def __init__(self, p):
        self.p = p

    def mean(self):
        return 1 / self.p

    def var(self):
        return (1 - self.p) / self.p ** 2


stats = types.SimpleNamespace(geom=geom)
'''


def _printed(items: list[Item]) -> dict[tuple[int, int], tuple[str, str]]:
    return {(i.position.line, i.position.column): (i.status, i.message) for i in items
            if i.position is not None and i.detail.get("check") == "printed_values"}


def _build(folder: Path, execute: bool = True) -> list[Item]:
    (doc,) = veritex.build([folder / "doc.md"], folder / "site", write=False, execute=execute).documents
    return doc.items


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("printed")
    (folder / "doc.md").write_text(DOC)
    (folder / "spread.py").write_text(SPREAD)
    return folder


@pytest.mark.kernel
def test_stated_values_against_printed_ones(folder: Path) -> None:
    found = _printed(_build(folder))
    verified = [m for s, m in found.values() if s == "verified"]
    refuted = [m for s, m in found.values() if s == "refuted"]
    assert ("the code at line 7 prints x_bar = 2.5, as the formula states 2.50 (to the 2 decimal places shown)"
            in verified)
    assert "the code at line 7 prints s = 10, but the formula states 7" in refuted
    # the mean and the variance stated in prose against the code's statistics of the distribution it makes
    assert ("the code at line 28 prints u.mean() = 10.0, as the mean stated, 1/\\theta, is 10 at theta = 0.1"
            in verified)
    assert ("the code at line 28 prints u.var() = 90, but the variance stated, (1-\\theta)/\\theta, is 9 at "
            "theta = 0.1") in refuted
    # the mean agrees; `noise` (no formula names it), `n = 3` (a binding, not a result) and `r_2` (printed in
    # a loop) say nothing; the last expression `q` is linked, and it differs
    assert sum(s == "verified" for s, _ in found.values()) == 2
    assert "the code at line 18 prints q = 2.5, but the formula states 1.5" in refuted
    assert len(found) == 5 and not any("noise" in m or "r_2" in m or "n = " in m for _, m in found.values())


@pytest.mark.kernel
def test_replayed_from_cached_outputs_and_nothing_without_execution(folder: Path) -> None:
    first = _printed(_build(folder))
    (folder / "doc.md").write_text(DOC.replace("# Stated values", "# Stated values, edited"))
    assert _printed(_build(folder)) == first  # the run comes from the cache: the same verdicts
    assert _printed(_build(folder, execute=False)) == {}


def _cell(source: str, outputs: list[dict[str, object]]) -> CodeCell:
    return CodeCell(source, Position("doc.md", 1), outputs=outputs)


def _stdout(text: str) -> dict[str, object]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _result(text: str) -> dict[str, object]:
    return {"output_type": "execute_result", "data": {"text/plain": text}, "metadata": {}, "execution_count": 1}


def test_reading_what_a_cell_shows() -> None:
    def shown(cell: CodeCell) -> list[tuple[str, str]]:
        return [(p.key, p.text) for p in printed_values(cell, 0)]

    assert shown(_cell("print('mu_hat:', m)", [_stdout("mu_hat: 4.87\n")])) == [("muhat", "4.87")]
    assert shown(_cell("print(m)", [_stdout("4.87\n")])) == [("m", "4.87")]
    assert shown(_cell("m", [_result("np.float64(4.87)")])) == [("m", "4.87")]
    assert shown(_cell("print(f'{m:.2f}')", [_stdout("4.87\n")])) == [("m", "4.87")]
    assert shown(_cell("print(f'{m:.2f} units')", [_stdout("4.87 units\n")])) == []
    assert shown(_cell("print(m)\nprint(k)", [_stdout("4.87\n3\n")])) == []  # which line is which: unsure
    assert shown(_cell("print(m)", [_stdout("[4.87 1.2]\n")])) == []  # not one plain number
    assert shown(_cell("print('a = 1')\nprint('a = 2')", [_stdout("a = 1\na = 2\n")])) == []
    assert shown(_cell("m + 1", [_result("5.87")])) == []  # an expression, not a name
    assert shown(_cell("m;", [_result("4.87")])) == []
    # a statistic only of a distribution object the cell makes
    made = "import scipy.stats\nu = scipy.stats.norm(0, 2)\nu.mean(), u.std()"
    assert shown(_cell(made, [_result("(np.float64(0.0), np.float64(2.0))")])) == [
        ("stat:mean", "0.0"), ("stat:std", "2.0")]
    assert shown(_cell("u.mean(), u.std()", [_result("(0.0, 2.0)")])) == []


RANDOM_DOC = r"""# A sample

The mean of the draws is $\bar{x} \approx 0.50$.

```python
import numpy as np
{seed}x_bar = np.random.normal(0.5, 1, 100).mean()
print("x_bar =", x_bar)
```
"""


@pytest.mark.parametrize(("seed", "found"), [("", []), ("np.random.seed(3)\n", ["refuted"])])
def test_digits_of_unseeded_random_draws_are_not_held(tmp_path: Path, seed: str, found: list[str]) -> None:
    from veritex.readers import read
    from veritex.stages.printed_values import check_printed_values

    source = tmp_path / "doc.md"
    source.write_text(RANDOM_DOC.replace("{seed}", seed))
    doc = read(source)
    (cell,) = doc.code_cells()
    cell.outputs = [_stdout("x_bar = 0.6123\n")]  # what another run may print
    check_printed_values(doc, None)
    assert [i.status for i in doc.items if i.detail.get("check") == "printed_values"] == found


STATISTIC_DOC = r"""# A spread

```python
sigma = 3
```

The variance of the distribution is $\sigma^2$.

```python
from scipy import stats
u = stats.norm(0, {scale})
u.var()
```
"""


@pytest.mark.parametrize(("scale", "found"), [("sigma", ["refuted"]), ("2", [])])
def test_a_statistic_is_evaluated_only_at_what_the_distribution_is_made_from(
        tmp_path: Path, scale: str, found: list[str]) -> None:
    from veritex.readers import read
    from veritex.stages.printed_values import check_printed_values

    source = tmp_path / "doc.md"
    source.write_text(STATISTIC_DOC.replace("{scale}", scale))
    doc = read(source)
    cell = list(doc.code_cells())[1]
    cell.outputs = [_result("np.float64(4.0)")]  # a variance of 4 where the prose's sigma is 3
    check_printed_values(doc, None)
    items = [i for i in doc.items if i.detail.get("check") == "printed_values"]
    assert [i.status for i in items] == found
    if found:
        assert items[0].message == ("the code at line 10 prints u.var() = 4.0, but the variance stated, "
                                    "\\sigma^2, is 9 at sigma = 3")


def test_nothing_from_the_first_exercise_cell_on(tmp_path: Path) -> None:
    from veritex.readers import read
    from veritex.stages.printed_values import check_printed_values

    source = tmp_path / "doc.md"
    source.write_text("# An exercise\n\nThe loss is $L \\approx 9.39$.\n\n```python\n# TODO: compute the loss\n"
                      "L = 0.0\nprint('L =', L)\n```\n")
    doc = read(source)
    (cell,) = doc.code_cells()
    cell.outputs = [_stdout("L = 0.0\n")]
    check_printed_values(doc, None)
    assert not [i for i in doc.items if i.detail.get("check") == "printed_values"]
    cell.source = cell.source.replace("# TODO: compute the loss\n", "")
    check_printed_values(doc, None)
    assert [i.status for i in doc.items if i.detail.get("check") == "printed_values"] == ["refuted"]


@pytest.mark.parametrize(("stated", "printed", "found"), [
    ("N \\approx 1000", "N = 1024", ["verified"]),  # a whole number claims none of its trailing zeros
    ("N \\approx 1000", "N = 2400", ["refuted"]),
    ("p \\approx 0.25", "p: 0.2549", ["verified"]),
    ("p \\approx 0.25", "p: 0.2651", ["refuted"]),
    ("p \\approx 0.25", "q: 0.2651", []),  # another name
    ("p \\approx 0.25", "p = [0.2651]", []),  # not one plain number
])
def test_the_digits_a_stated_value_claims(tmp_path: Path, stated: str, printed: str, found: list[str]) -> None:
    from veritex.readers import read
    from veritex.stages.printed_values import check_printed_values

    source = tmp_path / "doc.md"
    source.write_text(f"# Counts\n\nWe find ${stated}$.\n\n```python\nprint('{printed}')\n```\n")
    doc = read(source)
    (cell,) = doc.code_cells()
    cell.outputs = [_stdout(printed + "\n")]
    check_printed_values(doc, None)
    assert [i.status for i in doc.items if i.detail.get("check") == "printed_values"] == found
