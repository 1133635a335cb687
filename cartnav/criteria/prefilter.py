"""Faster scans for term patterns: a lookahead on the characters a match can start with.

``with_first_chars(rx)`` returns a pattern with exactly the same matches (and groups) as ``rx``,
opened by ``(?=[...])`` over every character a match of ``rx`` can start with, so the scanner
skips most positions without entering a long alternation. When the first characters cannot be
told for sure (classes like ``\\s``, ``.``, flags, an empty match), ``rx`` is returned unchanged.
"""

from __future__ import annotations

import re
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]
from typing import Any

_First = tuple[set[str], bool] | None  # (possible first characters, can match empty)
_MAX_RANGE = 200


def _sequence(items: Any) -> _First:
    chars: set[str] = set()
    for op, av in items:
        got = _item(op, av)
        if got is None:
            return None
        chars |= got[0]
        if not got[1]:
            return chars, False
    return chars, True


def _item(op: Any, av: Any) -> _First:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        out: set[str] = set()
        for in_op, in_av in av:
            if in_op is _c.LITERAL:
                out.add(chr(in_av))
            elif in_op is _c.RANGE and in_av[1] - in_av[0] < _MAX_RANGE:
                out.update(chr(code) for code in range(in_av[0], in_av[1] + 1))
            else:
                return None  # NEGATE, categories (\d, \w, \s), wide ranges
        return out, False
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _sequence(sub)
    if op is _c.BRANCH:
        union: set[str] = set()
        empty = False
        for alternative in av[1]:
            got = _sequence(alternative)
            if got is None:
                return None
            union |= got[0]
            empty = empty or got[1]
        return union, empty
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True  # zero width: the next item decides
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, _high, sub = av
        got = _sequence(sub)
        return None if got is None else (got[0], got[1] or low == 0)
    return None


def first_chars(rx: re.Pattern[str]) -> set[str] | None:
    """Every character a match of ``rx`` can start with, or None when that is not certain."""
    if rx.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        got = _sequence(_p.parse(rx.pattern, rx.flags))
    except Exception:  # pragma: no cover - an unexpected parse tree: leave the pattern alone
        return None
    if got is None or got[1] or not got[0]:
        return None
    return got[0]


def with_first_chars(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` opened by a lookahead on its first characters (same matches, quicker scan)."""
    chars = first_chars(rx)
    if chars is None:
        return rx
    klass = "".join(re.escape(ch) for ch in sorted(chars))
    try:
        return re.compile(f"(?=[{klass}])(?:{rx.pattern})", rx.flags)
    except re.error:  # pragma: no cover - e.g. a pattern with global inline flags
        return rx
