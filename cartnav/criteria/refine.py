"""Refine the items the rules leave ``unknown`` with the optional model backend.

:func:`refine_items` sends each item whose only constraint is ``unknown`` to a model (see
:mod:`cartnav.criteria.model_backend`), checks the answer and keeps what passes:

- every constraint must have the shape of its type (interfaces.md section 3): known types,
  ``op`` one of the five operators, numbers in range, tokens in snake case;
- every constraint must quote the words it rests on (``evidence``), and those words must be in the
  item's text: the span is where they are. A constraint whose words are not there is dropped;
- the constraints keep ``"source": "model"``, so that readers and the matcher can tell them from
  the rules' own (the matcher never lets one rule a patient out).

A failing call, an answer that is not JSON, or one with nothing usable leaves the item as it was;
the report counts them and the rest of the batch goes on. Items the rules read are never sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from cartnav.criteria.model_backend import ModelBackendError
from cartnav.domain.criterion import Constraint, CriterionItem

MODEL_SOURCE = "model"
MAX_TEXT = 2000  # longer items (whole paragraphs) are not sent
STOP_AFTER_FAILURES = 3  # consecutive failed calls after which the endpoint is given up


class ModelAsker(Protocol):
    def ask(self, kind: str, text: str) -> str: ...


Op = Literal[">=", ">", "<=", "<", "="]
Token = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]


class _Base(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    evidence: str = Field(min_length=2, max_length=MAX_TEXT)


class _Age(_Base):
    type: Literal["age"]
    min_years: float | None = Field(None, ge=0, le=120)
    max_years: float | None = Field(None, ge=0, le=120)

    @model_validator(mode="after")
    def _a_bound(self) -> _Age:
        if self.min_years is None and self.max_years is None:
            raise ValueError("an age needs min_years or max_years")
        return self


class _Disease(_Base):
    type: Literal["disease"]
    disease: str = Field(pattern=r"^[A-Za-z][\w +/-]{0,39}$")
    negated: bool = False


class _Antigen(_Base):
    type: Literal["antigen"]
    antigen: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9-]{1,11}$")
    expression: Literal["positive", "negative"] = "positive"
    threshold_pct: float | None = Field(None, ge=0, le=100)


class _Status(_Base):
    type: Literal["disease_status"]
    status: Literal[
        "relapsed",
        "refractory",
        "relapsed_or_refractory",
        "second_or_later_relapse",
        "post_hsct",
        "primary_refractory",
        "mrd_positive",
        "active_disease",
        "extramedullary",
        "isolated_extramedullary",
    ]
    threshold: float | None = Field(None, ge=0, le=100)
    unit: Literal["fraction", "pct"] | None = None
    op: Op | None = None


class _Therapy(_Base):
    type: Literal["prior_therapy"]
    therapy: Token
    requirement: Literal["required", "excluded", "allowed"]
    within_days: int | None = Field(None, ge=0, le=3650)


class _Performance(_Base):
    type: Literal["performance"]
    scale: Literal["karnofsky", "lansky", "ecog"]
    op: Op
    value: float = Field(ge=0, le=100)


class _Lab(_Base):
    type: Literal["lab"]
    analyte: Token
    op: Op
    value: float = Field(ge=0)
    unit: Token | None = None


class _Condition(_Base):
    type: Literal["condition"]
    condition: Token
    negated: bool = False


class _Consent(_Base):
    type: Literal["consent"]


class _Logistics(_Base):
    type: Literal["logistics"]


_Reading: Any = Annotated[
    _Age
    | _Disease
    | _Antigen
    | _Status
    | _Therapy
    | _Performance
    | _Lab
    | _Condition
    | _Consent
    | _Logistics,
    Field(discriminator="type"),
]
_ONE: TypeAdapter[Any] = TypeAdapter(_Reading)


@dataclass(slots=True)
class RefineReport:
    """What one refinement did: items sent, items given constraints, calls that failed, ..."""

    asked: int = 0
    refined: int = 0
    failed: int = 0  # calls that failed or answers that were not JSON of the right shape
    rejected: int = 0  # constraints dropped (out of shape, or words not in the item)
    skipped: int = 0  # items not sent because the endpoint was given up
    errors: list[str] = field(default_factory=list)  # distinct messages, no criteria text

    def to_dict(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "refined": self.refined,
            "failed": self.failed,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "errors": list(self.errors),
        }

    def note_error(self, message: str) -> None:
        self.failed += 1
        if message not in self.errors:
            self.errors.append(message)


def needs_model(item: CriterionItem) -> bool:
    """An item the rules could not read (only ``unknown``) and short enough to send."""
    return (
        all(c.type == "unknown" for c in item.constraints)
        and 3 <= len(item.text.strip()) <= MAX_TEXT
    )


def refine_items(
    items: Sequence[CriterionItem], asker: ModelAsker
) -> tuple[list[CriterionItem], RefineReport]:
    """``items`` with the unknown ones refined where the model's answer holds up."""
    report = RefineReport()
    answers: dict[tuple[str, str], tuple[Constraint, ...] | None] = {}
    out: list[CriterionItem] = []
    failures_in_a_row = 0
    for item in items:
        if not needs_model(item):
            out.append(item)
            continue
        key = (item.kind, item.text)
        if key not in answers:
            if failures_in_a_row >= STOP_AFTER_FAILURES:
                report.skipped += 1
                out.append(item)
                continue
            report.asked += 1
            try:
                content = asker.ask(item.kind, item.text)
            except ModelBackendError as exc:
                failures_in_a_row += 1
                report.note_error(str(exc))
                answers[key] = None
                out.append(item)
                continue
            failures_in_a_row = 0
            answers[key] = _constraints(content, item.text, report)
        found = answers[key]
        if not found:
            out.append(item)
            continue
        report.refined += 1
        out.append(
            CriterionItem(
                item.kind, item.text, item.start, item.end, item.group, item.parent, found
            )
        )
    return out, report


_FENCE_RE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def _constraints(content: str, text: str, report: RefineReport) -> tuple[Constraint, ...] | None:
    fenced = _FENCE_RE.match(content)
    try:
        answer = json.loads(fenced.group(1) if fenced else content)
    except ValueError:
        report.note_error("the model's answer is not JSON")
        return None
    raw = answer.get("constraints") if isinstance(answer, dict) else None
    if not isinstance(raw, list):
        report.note_error('the model\'s answer has no "constraints" list')
        return None
    found: list[Constraint] = []
    for obj in raw:
        constraint = _constraint(obj, text)
        if constraint is None:
            report.rejected += 1
        elif all(_key(c) != _key(constraint) for c in found):
            found.append(constraint)
    return tuple(sorted(found, key=lambda c: (c.span, c.type))) or None


def _constraint(obj: Any, text: str) -> Constraint | None:
    try:
        attrs: dict[str, Any] = _ONE.validate_python(obj).model_dump()
    except ValidationError:
        return None
    kind, evidence = str(attrs.pop("type")), str(attrs.pop("evidence"))
    span = locate(evidence, text)
    if span is None:
        return None  # the words it rests on are not in the item: not a reading of it
    attrs["source"] = MODEL_SOURCE
    return Constraint(kind, attrs, span)


def locate(evidence: str, text: str) -> tuple[int, int] | None:
    """Where ``evidence`` is in ``text``: exactly, else ignoring case and runs of whitespace."""
    words = evidence.split()
    if not words:
        return None
    at = text.find(evidence)
    if at >= 0:
        return at, at + len(evidence)
    m = re.search(r"\s+".join(re.escape(w) for w in words), text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def _key(c: Constraint) -> tuple[str, str]:
    return c.type, json.dumps(
        {k: v for k, v in c.attrs.items() if k != "source"}, sort_keys=True, default=str
    )
