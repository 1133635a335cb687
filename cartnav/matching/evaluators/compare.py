"""Comparisons shared by the numeric evaluators (``op`` is one of >=, >, <=, <, =)."""

from __future__ import annotations

from typing import Any

from cartnav.domain.verdict import Verdict

OP_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "=": "exactly"}


def holds(value: float, op: str, limit: float) -> bool:
    if op == ">=":
        return value >= limit
    if op == ">":
        return value > limit
    if op == "<=":
        return value <= limit
    if op == "<":
        return value < limit
    return value == limit


def range_verdict(low: float, high: float, op: str, limit: float) -> Verdict:
    """Met when every value in [low, high] satisfies ``op limit``; not_met when none does."""
    at_low, at_high = holds(low, op, limit), holds(high, op, limit)
    if op == "=":
        if low == high:
            return Verdict.MET if at_low else Verdict.NOT_MET
        return Verdict.UNKNOWN if low <= limit <= high else Verdict.NOT_MET
    if at_low and at_high:
        return Verdict.MET
    if not at_low and not at_high:
        return Verdict.NOT_MET
    return Verdict.UNKNOWN


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def fmt(value: float) -> str:
    return f"{value:g}"


def phrase(op: str, value: float, unit: str = "") -> str:
    return f"{OP_WORDS.get(op, op)} {fmt(value)}{unit}"
