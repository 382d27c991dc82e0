"""Verdicts on steps and on whole formulas, and the sentences that report them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

StepStatus = Literal["verified", "refuted", "unchecked"]


@dataclass
class StepResult:
    """The verdict on one step. `how`: "symbolic", "numeric (N points)", or for an approximation
    "approximation (...)"; `reason` says why a step is unchecked or what an approximation did."""

    step: str
    status: StepStatus
    how: str | None = None
    reason: str | None = None
    point: dict[str, float] | None = None
    lhs: float | None = None
    rhs: float | None = None
    relation: str = "="
    uses: list[str] | None = None  # the definitions substituted to decide it (`sigma from eq:sigmoid`)
    # An uninterpretable construct: its offset in the formula's TeX, when it lies in that TeX.
    offset: int | None = None
    code: str | None = None  # an unchecked step's listed reason (`veritex.derivations.reasons`)
    fix: str | None = None  # a refuted step's likely correction, when the check has a diagnosis

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepResult:
        return cls(**data)

    def sentence(self, where: str | None = None) -> str:
        """One clause: `step 1 → 2 verified symbolically`."""
        reason = (self.reason or "").replace("{where}", where or "")
        uses = f" (with {', '.join(self.uses)})" if self.uses else ""
        if self.status == "verified":
            return f"step {self.step} verified {_how_words(self.how)}".rstrip() + uses
        if self.status == "refuted":
            at = f" at {format_point(self.point)}" if self.point else ""
            because = f"; {reason}" if reason else ""
            return f"step {self.step} fails{uses}{at}: " \
                   f"left side {format_value(self.lhs)}, right side {format_value(self.rhs)}{because}"
        return f"step {self.step} unchecked: {reason}"


def _how_words(how: str | None) -> str:
    if how is None:
        return ""
    if how == "symbolic":
        return "symbolically"
    if how.startswith("numeric"):
        return "numerically" + how[len("numeric"):].replace("(", "at ").replace(")", "")
    return f"({how})"


@dataclass
class FormulaResult:
    """The verdict on every claimed step of one formula."""

    steps: list[StepResult] = field(default_factory=list)

    @property
    def status(self) -> StepStatus:
        statuses = {s.status for s in self.steps}
        if "refuted" in statuses:
            return "refuted"
        if "unchecked" in statuses or not statuses:
            return "unchecked"
        return "verified"

    def to_json(self) -> dict[str, Any]:
        return {"steps": [s.to_json() for s in self.steps]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FormulaResult:
        return cls([StepResult.from_json(s) for s in data["steps"]])

    def message(self, where_of: dict[int, str] | None = None) -> str:
        """The report line: one clause per step, in order, a refuted step first (what a reader must fix)."""
        where_of = where_of or {}
        if len(self.steps) == 1 and self.steps[0].status != "refuted":
            only = self.steps[0]
            text = only.sentence(where_of.get(only.offset) if only.offset is not None else None)
            return text.replace(f"step {only.step} unchecked: ", "", 1).replace(f"step {only.step} ", "", 1)
        ordered = sorted(self.steps, key=lambda s: s.status != "refuted")
        return "; ".join(s.sentence(where_of.get(s.offset) if s.offset is not None else None) for s in ordered)


def format_value(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.6g}"


def format_point(point: dict[str, float]) -> str:
    return ", ".join(f"{name} = {format_value(v)}" for name, v in point.items())
